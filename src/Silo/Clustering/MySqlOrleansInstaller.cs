using Orleans.Runtime;

namespace FaceMask.Silo.Clustering;

/// <summary>
/// Installs the MariaDB schema as the silo's very first start-up step, before the membership table, the
/// reminder table and grain storage read their query texts (a missing table there fails start-up with no
/// retry). A lifecycle step rather than a hosted service, so every way of building a silo gets it.
/// </summary>
internal sealed class MySqlOrleansInstaller(MySqlClusterConnection connection, ILogger<MySqlOrleansInstaller> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MySqlOrleansInstaller), ServiceLifecycleStage.First, InstallAsync);

    private async Task InstallAsync(CancellationToken cancellationToken)
    {
        var elapsed = await MySqlOrleansSchema.InstallAsync(connection.ConnectionString, cancellationToken);
        logger.LogInformation(
            "Cluster store: MySQL database {Database} on {Server} ready in {Elapsed:0} ms",
            connection.Database, connection.Server, elapsed.TotalMilliseconds);
    }
}
