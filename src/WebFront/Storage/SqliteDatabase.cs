using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace FaceMask.WebFront.Storage;

/// <summary>The embedded default's app database: one SQLite file, WAL, shared by every request.</summary>
public sealed class SqliteDatabase
{
    private readonly string _connectionString;

    public SqliteDatabase(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            ForeignKeys = true,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY for this long.
            DefaultTimeout = 30,
        }.ToString();
        Path = path;
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragmas = connection.CreateCommand();
        pragmas.CommandText = "PRAGMA synchronous = NORMAL;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Creates or upgrades the schema; safe to run from several processes at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL;", cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);", cancellationToken, transaction);
        var current = await ScalarAsync<long?>(connection, "SELECT MAX(version) FROM schema_version;", cancellationToken, transaction) ?? 0;
        for (var version = (int)current + 1; version <= SqliteSchema.Migrations.Count; version++)
        {
            await ExecuteAsync(connection, SqliteSchema.Migrations[version - 1], cancellationToken, transaction);
            await ExecuteAsync(connection, $"INSERT INTO schema_version (version) VALUES ({version});", cancellationToken, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public static async Task ExecuteAsync(
        SqliteConnection connection, string sql, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = (SqliteTransaction?)transaction;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<T?> ScalarAsync<T>(
        SqliteConnection connection, string sql, CancellationToken cancellationToken, DbTransaction transaction)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = (SqliteTransaction)transaction;
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }
}
