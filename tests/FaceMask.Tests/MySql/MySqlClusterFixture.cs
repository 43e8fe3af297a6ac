using System.Net;
using System.Net.Sockets;
using FaceMask.Silo.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace FaceMask.Tests.MySql;

/// <summary>
/// Two silo hosts and a client in this process, talking over real TCP, on a database of their own on the
/// test MariaDB through FaceMask's MySQL cluster store: the same providers, schema and wiring as a worker
/// with <c>Cluster:Provider=MySql</c>. A second storage with DeleteStateOnClear shares the table.
/// </summary>
public sealed class MySqlClusterFixture : IAsyncLifetime
{
    public const string DeletingStorage = "deleting";

    private readonly List<IHost> _silos = [];
    private IHost? _client;

    public MySqlTestDatabase Database { get; private set; } = null!;

    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public string ServiceId => ClusterId;

    public IReadOnlyList<IHost> Silos => _silos;

    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    public async ValueTask InitializeAsync()
    {
        Database = await MySqlTestDatabase.CreateAsync();

        // Both at once, as workers started together would: the installers and the version row race.
        var silos = await Task.WhenAll(StartSiloAsync("silo-1"), StartSiloAsync("silo-2"));
        _silos.AddRange(silos);

        var client = Host.CreateApplicationBuilder();
        client.Logging.ClearProviders();
        client.UseOrleansClient(c =>
        {
            c.UseAdoNetClustering(o =>
            {
                o.Invariant = MySqlOrleansSchema.Invariant;
                o.ConnectionString = Database.ConnectionString;
            });
            c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
        });
        _client = client.Build();
        await _client.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }

        if (Database is not null)
        {
            await Database.DisposeAsync();
        }
    }

    private async Task<IHost> StartSiloAsync(string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.UseMySqlClusterStore(new MySqlClusterConnection(Database.ConnectionString));
            silo.AddAdoNetGrainStorage(DeletingStorage, o =>
            {
                o.Invariant = MySqlOrleansSchema.Invariant;
                o.ConnectionString = Database.ConnectionString;
                o.DeleteStateOnClear = true;
            });
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
