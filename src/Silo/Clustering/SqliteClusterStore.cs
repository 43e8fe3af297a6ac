using FaceMask.Grains;
using Orleans.Configuration;

namespace FaceMask.Silo.Clustering;

public static class SqliteClusterStore
{
    /// <summary>
    /// Membership, grain state (<see cref="StorageNames.Cluster"/>) and reminders through the stock Orleans
    /// AdoNet providers on one SQLite file, with FaceMask's schema installed at start-up. The file outlives
    /// every silo, so no silo is special: any of them, the first included, can die, and a restart of the
    /// whole system finds its grain state and reminders again.
    /// </summary>
    public static ISiloBuilder UseSqliteClusterStore(this ISiloBuilder silo, string databasePath)
    {
        // Created on first use, so a bad path surfaces through options validation first (ValidateOnStart).
        silo.Services.AddSingleton(_ => new SqlitePragmaDataSource(databasePath));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SqliteOrleansInstaller>();

        silo.UseAdoNetClustering(options => options.Configure<SqlitePragmaDataSource>((o, dataSource) =>
        {
            o.Invariant = SqliteOrleansSchema.Invariant;
            o.DataSource = dataSource;
        }));
        silo.AddAdoNetGrainStorage(StorageNames.Cluster, options => options.Configure<SqlitePragmaDataSource>((o, dataSource) =>
        {
            o.Invariant = SqliteOrleansSchema.Invariant;
            o.DataSource = dataSource;
        }));
        silo.UseAdoNetReminderService(options => options.Configure<SqlitePragmaDataSource>((o, dataSource) =>
        {
            o.Invariant = SqliteOrleansSchema.Invariant;
            o.DataSource = dataSource;
        }));
        return silo;
    }
}
