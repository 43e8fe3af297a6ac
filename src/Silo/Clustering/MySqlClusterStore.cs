using FaceMask.Grains;
using MySqlConnector;

namespace FaceMask.Silo.Clustering;

/// <summary>The cluster's MySQL connection string, as configured (<c>ConnectionStrings:Cluster</c>).</summary>
public sealed record MySqlClusterConnection(string ConnectionString)
{
    /// <summary>The configuration key of the connection string (environment: <c>ConnectionStrings__Cluster</c>).</summary>
    public const string ConfigurationKey = "ConnectionStrings:Cluster";

    private readonly MySqlConnectionStringBuilder _parsed = new(ConnectionString);

    public string Database => _parsed.Database;

    public string Server => $"{_parsed.Server}:{_parsed.Port}";

    /// <summary>Reads and checks the connection string; a missing or unusable one fails here with a message that says which key to set.</summary>
    public static MySqlClusterConnection From(IConfiguration configuration)
    {
        var value = configuration.GetConnectionString("Cluster");
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException(
                $"Cluster:Provider is MySql but {ConfigurationKey} is not set: give the MariaDB connection string " +
                "(Server=...;Port=...;Database=...;User ID=...;Password=...), e.g. in the environment variable ConnectionStrings__Cluster.");
        }

        MySqlConnectionStringBuilder parsed;
        try
        {
            parsed = new MySqlConnectionStringBuilder(value);
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"{ConfigurationKey} is not a valid MySQL connection string: {e.Message}", e);
        }

        if (string.IsNullOrEmpty(parsed.Database))
        {
            throw new InvalidOperationException($"{ConfigurationKey} names no database (Database=...): the cluster's tables need one.");
        }

        return new MySqlClusterConnection(value);
    }
}

public static class MySqlClusterStore
{
    /// <summary>
    /// Membership, grain state (<see cref="StorageNames.Cluster"/>) and reminders through the stock Orleans
    /// AdoNet providers on one MariaDB database, with FaceMask's schema installed at start-up. The database
    /// outlives every silo, on any number of machines, so no silo is special.
    /// </summary>
    public static ISiloBuilder UseMySqlClusterStore(this ISiloBuilder silo, MySqlClusterConnection connection)
    {
        silo.Services.AddSingleton(connection);
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, MySqlOrleansInstaller>();

        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = MySqlOrleansSchema.Invariant;
            o.ConnectionString = connection.ConnectionString;
        });
        // DeleteStateOnClear stays false, as on SQLite: a cleared state keeps its row (NULL payload) and its
        // version, so a writer holding an ETag from before the clear still gets a conflict.
        silo.AddAdoNetGrainStorage(StorageNames.Cluster, o =>
        {
            o.Invariant = MySqlOrleansSchema.Invariant;
            o.ConnectionString = connection.ConnectionString;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = MySqlOrleansSchema.Invariant;
            o.ConnectionString = connection.ConnectionString;
        });
        return silo;
    }
}
