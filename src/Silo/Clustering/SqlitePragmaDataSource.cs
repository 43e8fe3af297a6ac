using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace FaceMask.Silo.Clustering;

/// <summary>
/// Opens <see cref="SqliteConnection"/>s to the cluster's SQLite file with the per-connection settings the
/// Orleans AdoNet providers need under contention. Microsoft.Data.Sqlite has no connection-string keyword
/// for them, and its own busy handling (sleep 150 ms and retry, on the caller's thread) capped three
/// silos at ~150 writes/s; SQLite's <c>busy_timeout</c> waits for the lock instead, and
/// <c>synchronous=NORMAL</c> in WAL mode loses nothing when a process dies (only on an OS crash).
/// The providers open every connection through <see cref="DbDataSource.OpenConnectionAsync"/>, which runs
/// the PRAGMAs; a connection from <see cref="DbDataSource.CreateConnection"/> opened by hand does not get them.
/// </summary>
public sealed class SqlitePragmaDataSource : DbDataSource
{
    private const string Pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";

    public SqlitePragmaDataSource(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        ConnectionString = ConnectionStringFor(DatabasePath, SqliteOpenMode.ReadWrite);
    }

    /// <summary>The SQLite file, as an absolute path.</summary>
    public string DatabasePath { get; }

    public override string ConnectionString { get; }

    /// <summary>
    /// The connection string for <paramref name="databasePath"/>. <see cref="SqliteOpenMode.ReadWrite"/>
    /// makes a wrong path fail instead of silently creating an empty database; only the schema installer
    /// creates the file.
    /// </summary>
    public static string ConnectionStringFor(string databasePath, SqliteOpenMode mode) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = mode,
            Pooling = true,
            // Microsoft.Data.Sqlite's own retry stays as a backstop; lowering it produced real
            // SQLITE_BUSY errors in the probe.
            DefaultTimeout = 30,
        }.ToString();

    /// <summary>Applies the per-connection PRAGMAs to an open connection.</summary>
    public static void ApplyPragmas(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    protected override DbConnection CreateDbConnection() => new SqliteConnection(ConnectionString);

    protected override DbConnection OpenDbConnection()
    {
        var connection = new SqliteConnection(ConnectionString);
        try
        {
            connection.Open();
            ApplyPragmas(connection);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // Microsoft.Data.Sqlite is synchronous: its async methods would run the same code on this thread anyway.
    protected override ValueTask<DbConnection> OpenDbConnectionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(OpenDbConnection());
    }
}
