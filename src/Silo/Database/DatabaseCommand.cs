using FaceMask.Silo.Clustering;

namespace FaceMask.Silo.Database;

/// <summary>
/// <c>FaceMask.Silo db init [--setting=value ...]</c>: applies the cluster store's schema (the one
/// <c>Cluster:Provider</c> selects, read from the same configuration as a worker) and exits. Workers apply
/// it themselves at start-up; this lets an operator do it ahead, e.g. with a user that may create tables
/// while the workers' user may not.
/// </summary>
public static class DatabaseCommand
{
    private const string Usage = "usage: FaceMask.Silo db init [--Cluster:Provider=Sqlite|MySql] [--ConnectionStrings:Cluster=...] [--Cluster:SqlitePath=...]";

    /// <returns>The process exit code: 0 done, 1 failed, 2 bad usage.</returns>
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["init", .. var settings])
        {
            await Console.Error.WriteLineAsync(Usage);
            return 2;
        }

        // The worker's own configuration sources: appsettings.json beside the binary, environment, arguments.
        var configuration = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = settings,
            ContentRootPath = AppContext.BaseDirectory,
        }).Configuration;

        try
        {
            var store = configuration.GetSection(ClusterStoreOptions.Section).Get<ClusterStoreOptions>() ?? new ClusterStoreOptions();
            switch (store.Provider)
            {
                case ClusterProvider.MySql:
                    var connection = MySqlClusterConnection.From(configuration);
                    var elapsed = await MySqlOrleansSchema.InstallAsync(connection.ConnectionString, CancellationToken.None);
                    Console.WriteLine($"MySQL schema applied to database {connection.Database} on {connection.Server} in {elapsed.TotalMilliseconds:0} ms");
                    return 0;
                case ClusterProvider.Sqlite:
                    if (string.IsNullOrWhiteSpace(store.SqlitePath))
                    {
                        throw new InvalidOperationException("Cluster:SqlitePath is required: the cluster's SQLite file.");
                    }

                    var took = SqliteOrleansSchema.Install(store.SqlitePath);
                    Console.WriteLine($"SQLite schema applied to {Path.GetFullPath(store.SqlitePath)} in {took.TotalMilliseconds:0} ms");
                    return 0;
                default:
                    throw new InvalidOperationException($"Cluster:Provider {store.Provider} is not supported.");
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.Data.Common.DbException or IOException)
        {
            await Console.Error.WriteLineAsync($"db init failed: {e.Message}");
            return 1;
        }
    }
}
