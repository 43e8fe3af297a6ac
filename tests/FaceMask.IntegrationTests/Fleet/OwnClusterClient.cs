using FaceMask.WebFront.Cluster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceMask.IntegrationTests.Fleet;

/// <summary>An Orleans client of the test's own that finds an embedded system's cluster in its file, as WebFront does.</summary>
public sealed class OwnClusterClient : IAsyncDisposable
{
    private readonly IHost _host;

    private OwnClusterClient(IHost host) => _host = host;

    public IClusterClient Client => _host.Services.GetRequiredService<IClusterClient>();

    public static async Task<OwnClusterClient> ConnectAsync(string sqlitePath)
    {
        var gateways = new ClusterGateways(sqlitePath, "facemask");
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = ClusterGateways.Invariant;
                o.ConnectionString = gateways.ConnectionString;
            });
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("facemask", "facemask"));
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new OwnClusterClient(host);
    }

    /// <summary>One call through a client that lives just for it.</summary>
    public static async Task<T> CallAsync<T>(string sqlitePath, Func<IClusterClient, Task<T>> call)
    {
        await using var client = await ConnectAsync(sqlitePath);
        return await call(client.Client);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync(CancellationToken.None);
        _host.Dispose();
    }
}
