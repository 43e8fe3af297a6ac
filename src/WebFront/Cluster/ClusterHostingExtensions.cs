using System.Net;
using Orleans.Configuration;

namespace FaceMask.WebFront.Cluster;

public static class ClusterHostingExtensions
{
    /// <summary>
    /// The Orleans client, preceded by the embedded worker launcher so that a lone WebFront brings its
    /// own worker. Hosted services start in registration order: the launcher runs before the client connects.
    /// </summary>
    public static WebApplicationBuilder AddFaceMaskCluster(this WebApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Services.AddOptions<ClusterOptions>()
            .BindConfiguration(ClusterOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<EmbeddedWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedWorker>());

        var cluster = builder.Configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        builder.UseOrleansClient(client =>
        {
            client.UseStaticClustering(new IPEndPoint(IPAddress.Loopback, cluster.GatewayPort));
            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.UseConnectionRetryFilter(RetryConnectingFor(cluster.WorkerStartTimeout));
        });
        return builder;
    }

    private static Func<Exception, CancellationToken, Task<bool>> RetryConnectingFor(TimeSpan window)
    {
        var deadline = DateTime.UtcNow + window;
        return async (_, cancellationToken) =>
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        };
    }
}
