using MySqlConnector;

namespace FaceMask.WebFront.Storage;

/// <summary>The cluster profile's app database: one MySQL/MariaDB database shared by every WebFront.</summary>
public sealed class MySqlDatabase : IAsyncDisposable
{
    /// <summary>MySQL's error for a duplicate key in a unique index (ER_DUP_ENTRY).</summary>
    public const int DuplicateKey = 1062;

    /// <summary>Serialises migrations of WebFronts that start at the same time (GET_LOCK is per server).</summary>
    private const string MigrationLock = "facemask.app-schema";

    private static readonly TimeSpan MigrationLockWait = TimeSpan.FromSeconds(60);

    private readonly MySqlDataSource _source;

    public MySqlDatabase(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(builder.Database))
        {
            throw new ArgumentException("The MySQL connection string names no database (Database=...).", nameof(connectionString));
        }

        // DATETIME values are UTC by convention; read them back as such.
        builder.DateTimeKind = MySqlDateTimeKind.Utc;
        _source = new MySqlDataSource(builder.ConnectionString);
        Database = builder.Database;
        Server = builder.Server;
    }

    public string Database { get; }

    public string Server { get; }

    public async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _source.OpenConnectionAsync(cancellationToken);

    public MySqlConnection Open() => _source.OpenConnection();

    /// <summary>Creates or upgrades the schema; safe to run from several WebFronts at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        var locked = await ScalarAsync(
            connection, $"SELECT GET_LOCK('{MigrationLock}', {(int)MigrationLockWait.TotalSeconds});", cancellationToken);
        if (Convert.ToInt64(locked) != 1)
        {
            throw new TimeoutException($"Another process held the schema lock of {Database} for more than {MigrationLockWait.TotalSeconds} s.");
        }

        try
        {
            await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL PRIMARY KEY) ENGINE = InnoDB;", cancellationToken);
            var current = Convert.ToInt32(await ScalarAsync(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_version;", cancellationToken));
            for (var version = current + 1; version <= MySqlSchema.Migrations.Count; version++)
            {
                foreach (var statement in MySqlSchema.Migrations[version - 1])
                {
                    await ExecuteAsync(connection, statement, cancellationToken);
                }

                await ExecuteAsync(connection, $"INSERT INTO schema_version (version) VALUES ({version});", cancellationToken);
            }
        }
        finally
        {
            await ExecuteAsync(connection, $"DO RELEASE_LOCK('{MigrationLock}');", CancellationToken.None);
        }
    }

    /// <summary>A time as stored: UTC, whole milliseconds (MySQL would round the rest; SQLite's stores truncate).</summary>
    public static DateTime ToStored(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds()).UtcDateTime;

    public static DateTimeOffset FromStored(DateTime stored) =>
        new(DateTime.SpecifyKind(stored, DateTimeKind.Utc));

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}
