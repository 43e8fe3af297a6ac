using Orleans.Configuration;
using Orleans.Dashboard;

namespace FaceMask.WebFront.Cluster;

public static class ClusterHostingExtensions
{
    /// <summary>The AdoNet invariant that makes the client load MySqlConnector.</summary>
    private const string MySqlClusterInvariant = "MySql.Data.MySqlConnector";

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

        var cluster = builder.Configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        var gateways = new ClusterGateways(cluster.SqliteFile(builder.Environment.ContentRootPath), cluster.ClusterId);
        builder.Services.AddSingleton(gateways);
        builder.Services.AddSingleton<EmbeddedWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedWorker>());

        builder.UseOrleansClient(client =>
        {
            client.UseClusterMembership(cluster, gateways, builder.Configuration);
            client.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            // Workers the fleet adds take detections once the client has seen them: a cheap read of the file.
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(10));
            client.UseConnectionRetryFilter(RetryConnectingFor(cluster.WorkerStartTimeout));
            // Detections in flight on a worker that dies are asked again elsewhere at once, not after 30 s.
            client.Services.AddSingleton<GatewayLosses>();
            client.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<GatewayLosses>());
            client.AddDashboard();
        });

        // Registered after the client, so it starts once the client is connected.
        builder.Services.AddOptions<InitialFleetOptions>().BindConfiguration(InitialFleetOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHostedService<FleetStartup>();
        return builder;
    }

    /// <summary>The one place where the embedded default and the cluster profile differ on WebFront.</summary>
    private static void UseClusterMembership(
        this IClientBuilder client, ClusterOptions cluster, ClusterGateways gateways, IConfiguration configuration)
    {
        switch (cluster.Provider)
        {
            case ClusterProvider.Sqlite:
                // Every Active gateway in the file: detector calls spread over all workers.
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = ClusterGateways.Invariant;
                    o.ConnectionString = gateways.ConnectionString;
                });
                break;
            case ClusterProvider.MySql:
                // Every Active gateway in the workers' database (the client needs only the gateway query).
                client.UseAdoNetClustering(o =>
                {
                    o.Invariant = MySqlClusterInvariant;
                    o.ConnectionString = configuration.GetConnectionString("Cluster") is { Length: > 0 } connectionString
                        ? connectionString
                        : throw new InvalidOperationException(
                            "Cluster:Provider is MySql but ConnectionStrings:Cluster is not set: give the workers' MariaDB " +
                            "connection string, e.g. in the environment variable ConnectionStrings__Cluster.");
                });
                break;
            default:
                throw new InvalidOperationException($"Cluster:Provider {cluster.Provider} is not supported.");
        }
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
