using FaceMask.Silo.Clustering;
using Microsoft.Data.Sqlite;

namespace FaceMask.Tests.Sqlite;

/// <summary>The schema installer every silo runs at start-up, on a fresh file.</summary>
public sealed class SqliteOrleansSchemaTests : IDisposable
{
    private static readonly string[] RequiredKeys =
    [
        // Clustering: all nine, or neither a silo nor a client starts.
        "InsertMembershipVersionKey", "MembershipReadAllKey", "MembershipReadRowKey", "InsertMembershipKey",
        "UpdateMembershipKey", "UpdateIAmAlivetimeKey", "GatewaysQueryKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
        // Grain storage.
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "DeleteStorageKey",
        // Reminders.
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "facemask-schema-" + Guid.NewGuid().ToString("N"));

    private string DatabasePath => Path.Combine(_directory, "nested", "orleans.db");

    [Fact]
    public async Task InstallingConcurrentlyAndAgainLeavesOneCompleteSchemaInWalMode()
    {
        // Six silos starting at once on a file that does not exist yet, then a restart.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => SqliteOrleansSchema.Install(DatabasePath))));
        SqliteOrleansSchema.Install(DatabasePath);

        using var db = Open();
        Assert.Equal("wal", Scalar(db, "PRAGMA journal_mode"));
        Assert.Equal(1L, Scalar(db, "PRAGMA user_version"));
        Assert.Equal(RequiredKeys.Order(), Column(db, "SELECT QueryKey FROM OrleansQuery").Order());
        Assert.Equal(
            ["OrleansMembershipInserted", "OrleansMembershipUpdated", "OrleansMembershipVersionDeleted"],
            Column(db, "SELECT name FROM sqlite_master WHERE type = 'trigger'").Order());
        Assert.Equal("ok", Scalar(db, "PRAGMA integrity_check"));
    }

    [Fact]
    public void EveryQueryTextCompiles()
    {
        SqliteOrleansSchema.Install(DatabasePath);
        using var db = Open();

        foreach (var key in RequiredKeys)
        {
            using var command = db.CreateCommand();
            command.CommandText = (string)Scalar(db, $"SELECT QueryText FROM OrleansQuery WHERE QueryKey = '{key}'")!;
            var error = Record.Exception(command.Prepare);
            Assert.True(error is null, $"{key}: {error?.Message}");
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(SqlitePragmaDataSource.ConnectionStringFor(DatabasePath, SqliteOpenMode.ReadWrite));
        connection.Open();
        return connection;
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static List<string> Column(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
