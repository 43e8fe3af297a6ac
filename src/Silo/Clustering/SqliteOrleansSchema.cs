using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace FaceMask.Silo.Clustering;

/// <summary>
/// FaceMask's own schema and query texts for the Orleans AdoNet providers on SQLite
/// (<c>SqliteOrleansSchema.sql</c>, embedded), and their installation.
/// </summary>
public static class SqliteOrleansSchema
{
    /// <summary>The AdoNet invariant that makes the providers load Microsoft.Data.Sqlite.</summary>
    public const string Invariant = "System.Data.SQLite";

    private const string ResourceName = "FaceMask.Silo.SqliteOrleansSchema.sql";

    /// <summary>The whole script: tables, indexes, triggers and the <c>OrleansQuery</c> rows.</summary>
    public static string Script { get; } = LoadScript();

    /// <summary>
    /// Creates the file (and its folder) if needed, switches it to WAL and installs the schema. Idempotent,
    /// and safe when several silos start at once: the script runs in one <c>BEGIN IMMEDIATE</c> transaction,
    /// so installers queue on the write lock (busy_timeout) and each sees all or nothing of another's work.
    /// </summary>
    /// <returns>How long the installation took, lock waits included.</returns>
    public static TimeSpan Install(string databasePath)
    {
        var started = Stopwatch.GetTimestamp();
        var path = Path.GetFullPath(databasePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var connection = new SqliteConnection(SqlitePragmaDataSource.ConnectionStringFor(path, SqliteOpenMode.ReadWriteCreate));
        connection.Open();
        SqlitePragmaDataSource.ApplyPragmas(connection);

        // WAL lets readers run beside the one writer and is what makes multi-process use workable; the mode
        // is stored in the file, so this is a no-op after the first start. It cannot run inside a transaction.
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = wal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"SQLite refused WAL mode for {path} (journal_mode is '{mode}'). WAL needs a local file system.");
            }
        }

        // Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE (deferred: false): the write lock is taken up
        // front, so two installers never deadlock upgrading a read lock.
        using var transaction = connection.BeginTransaction(deferred: false);
        using (var install = connection.CreateCommand())
        {
            install.Transaction = transaction;
            install.CommandText = Script;
            install.ExecuteNonQuery();
        }

        transaction.Commit();
        return Stopwatch.GetElapsedTime(started);
    }

    private static string LoadScript()
    {
        using var stream = typeof(SqliteOrleansSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
