using Orleans.Runtime;

namespace FaceMask.Silo.Clustering;

/// <summary>
/// Installs the SQLite schema as the silo's very first start-up step, before the membership table, the
/// reminder table and grain storage read their query texts (a missing table there fails start-up with no
/// retry). A lifecycle step rather than a hosted service, so every way of building a silo gets it.
/// </summary>
internal sealed class SqliteOrleansInstaller(SqlitePragmaDataSource dataSource, ILogger<SqliteOrleansInstaller> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SqliteOrleansInstaller), ServiceLifecycleStage.First, InstallAsync);

    private Task InstallAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = SqliteOrleansSchema.Install(dataSource.DatabasePath);
        logger.LogInformation(
            "Cluster store: SQLite file {Path} ready in {Elapsed:0} ms", dataSource.DatabasePath, elapsed.TotalMilliseconds);
        return Task.CompletedTask;
    }
}
