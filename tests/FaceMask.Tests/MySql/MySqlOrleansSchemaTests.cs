using FaceMask.Silo.Clustering;

namespace FaceMask.Tests.MySql;

/// <summary>The schema installer every silo runs at start-up, on a fresh database of the test MariaDB.</summary>
[Trait("Category", "MySql")]
public sealed class MySqlOrleansSchemaTests : IAsyncLifetime
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

    private MySqlTestDatabase _database = null!;

    public async ValueTask InitializeAsync() => _database = await MySqlTestDatabase.CreateAsync();

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task InstallingConcurrentlyAndAgainLeavesOneCompleteSchema()
    {
        // Six silos starting at once on an empty database, then a restart.
        var ct = TestContext.Current.CancellationToken;
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => MySqlOrleansSchema.InstallAsync(_database.ConnectionString, ct), ct)));
        await MySqlOrleansSchema.InstallAsync(_database.ConnectionString, ct);

        Assert.Equal(RequiredKeys.Order(), (await _database.QueryAsync("SELECT QueryKey FROM OrleansQuery", r => r.GetString(0))).Order());
        Assert.Equal(
            ["OrleansMembershipTable", "OrleansMembershipVersionTable", "OrleansQuery", "OrleansRemindersTable", "OrleansStorage"],
            (await _database.QueryAsync("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()", r => r.GetString(0))).Order());
        Assert.Equal(
            ["FaceMaskOrleans_InsertMember_v1", "FaceMaskOrleans_WriteState_v1"],
            (await _database.QueryAsync("SELECT routine_name FROM information_schema.routines WHERE routine_schema = DATABASE()", r => r.GetString(0))).Order());
    }

    [Fact]
    public async Task ReminderUpsertsYieldANewVersionEachTimeAndRangesCompareSigned()
    {
        await MySqlOrleansSchema.InstallAsync(_database.ConnectionString, TestContext.Current.CancellationToken);
        var upsert = await QueryTextAsync("UpsertReminderRowKey");
        var service = "s-" + Guid.NewGuid().ToString("N");

        async Task<long> UpsertAsync(string grain, int hash)
        {
            var versions = await _database.QueryAsync(
                upsert,
                r => Convert.ToInt64(r.GetValue(r.GetOrdinal("Version")), System.Globalization.CultureInfo.InvariantCulture),
                ("ServiceId", service), ("GrainId", grain), ("ReminderName", "tick"), ("StartTime", DateTime.UtcNow),
                ("Period", 2_592_000_000L), ("GrainHash", hash));
            return Assert.Single(versions);
        }

        var first = await UpsertAsync("g/1", -16);
        var second = await UpsertAsync("g/1", -16);
        Assert.NotEqual(first, second);
        await UpsertAsync("g/2", 16);
        await UpsertAsync("g/3", int.MaxValue - 15);
        await UpsertAsync("g/4", int.MinValue + 16);

        async Task<List<string>> RangeAsync(string key, int begin, int end) =>
            [.. (await _database.QueryAsync(
                await QueryTextAsync(key), r => r.GetString(r.GetOrdinal("GrainId")),
                ("ServiceId", service), ("BeginHash", begin), ("EndHash", end))).Order()];

        // (0xFFFFFFF0, 0x10) wraps in unsigned terms, yet is (-16, 16) signed: Rows1.
        Assert.Equal(["g/2"], await RangeAsync("ReadRangeRows1Key", -16, 16));
        // (0x7FFFFFF0, 0x80000010): Rows2 across the signed boundary.
        Assert.Equal(["g/3", "g/4"], await RangeAsync("ReadRangeRows2Key", int.MaxValue - 16, int.MinValue + 16));
        // (0, 0): one silo owns the whole ring.
        Assert.Equal(["g/1", "g/2", "g/3", "g/4"], await RangeAsync("ReadRangeRows2Key", 0, 0));
        var periods = await _database.QueryAsync(
            "SELECT Period FROM OrleansRemindersTable WHERE ServiceId = @s AND GrainId = 'g/1'", r => r.GetInt64(0), ("s", service));
        Assert.Equal([2_592_000_000L], periods);
    }

    private async Task<string> QueryTextAsync(string key) =>
        Assert.Single(await _database.QueryAsync("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", r => r.GetString(0), ("key", key)));
}

/// <summary>The script as the installer cuts it, the way the mariadb client would.</summary>
public sealed class MySqlOrleansScriptTests
{
    [Fact]
    public void ProceduresStayWholeAndEveryQueryRowIsOneStatement()
    {
        var statements = MySqlOrleansSchema.Statements;

        var procedures = statements.Where(s => s.StartsWith("CREATE PROCEDURE", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, procedures.Count);
        Assert.All(procedures, p => Assert.EndsWith("END", p, StringComparison.Ordinal));
        Assert.DoesNotContain(statements, s => s.Contains("DELIMITER", StringComparison.OrdinalIgnoreCase));
        var queries = Assert.Single(statements, s => s.StartsWith("INSERT INTO OrleansQuery", StringComparison.Ordinal));
        Assert.EndsWith("ON DUPLICATE KEY UPDATE QueryText = VALUES(QueryText)", queries, StringComparison.Ordinal);
        Assert.Equal(5, statements.Count(s => s.StartsWith("CREATE TABLE IF NOT EXISTS", StringComparison.Ordinal)));
    }
}
