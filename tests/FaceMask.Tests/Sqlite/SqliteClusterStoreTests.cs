using FaceMask.Grains;
using FaceMask.Grains.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace FaceMask.Tests.Sqlite;

/// <summary>The stock AdoNet providers on FaceMask's SQLite schema, two silos sharing one file.</summary>
public sealed class SqliteClusterStoreTests(SqliteClusterFixture cluster) : IClassFixture<SqliteClusterFixture>
{
    private static long NextKey() => Random.Shared.NextInt64(1, long.MaxValue);

    [Fact]
    public async Task BothSilosAreActiveInTheFileWithTheirGateways()
    {
        using var db = cluster.OpenDatabase();
        var rows = Query(
            db,
            "SELECT SiloName, Status, ProxyPort FROM OrleansMembershipTable WHERE DeploymentId = $cluster",
            r => (Name: r.GetString(0), Status: r.GetInt32(1), Gateway: r.GetInt32(2)),
            ("$cluster", cluster.ClusterId));

        Assert.Equal(["silo-1", "silo-2"], rows.Select(r => r.Name).Order());
        Assert.All(rows, r => Assert.Equal(3, r.Status));
        Assert.All(rows, r => Assert.True(r.Gateway > 0));
        var hosts = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, TestContext.Current.CancellationToken);
        Assert.Equal(2, hosts.Count);
    }

    [Fact]
    public async Task WriteWithAStaleETagIsRejectedAndTheStoredStateIsKept()
    {
        var key = NextKey();
        var probe = cluster.Client.GetGrain<IStorageProbeGrain>(key);
        await probe.WriteAsync("first");

        // Someone else wrote meanwhile: the stored version moves past the activation's ETag.
        using (var db = cluster.OpenDatabase())
        {
            Assert.Equal(1, Execute(
                db,
                "UPDATE OrleansStorage SET Version = Version + 1 WHERE ServiceId = $service AND GrainTypeString = 'storageProbe' AND GrainIdN1 = $key",
                ("$service", cluster.ServiceId),
                ("$key", key)));
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => probe.WriteAsync("second"));

        // The conflict deactivated the activation; the next one reads what is stored.
        var stored = await probe.ReadAsync();
        Assert.Equal("first", stored.Value);
        Assert.Equal(1, stored.Writes);
        var next = await probe.WriteAsync("third");
        Assert.Equal(2, next.Writes);
    }

    [Fact]
    public async Task RacingFirstWritesFromBothSilosLeaveExactlyOneRow()
    {
        var storages = cluster.Silos.Select(s => s.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Cluster)).ToArray();
        var key = "race-" + Guid.NewGuid().ToString("N");
        var grainId = GrainId.Create("racetest", key);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            var state = new GrainState<StorageProbeState>(new StorageProbeState { Value = $"writer {i}", Writes = 1 });
            try
            {
                await storages[i % storages.Length].WriteStateAsync("race", grainId, state);
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
        using var db = cluster.OpenDatabase();
        var rows = Query(
            db,
            "SELECT Version FROM OrleansStorage WHERE GrainTypeString = 'race' AND GrainIdExtensionString = $key",
            r => r.GetInt32(0),
            ("$key", key));
        Assert.Equal([1], rows);
    }

    [Fact]
    public async Task ClearedStateReadsEmptyAndCanBeWrittenAgain()
    {
        var probe = cluster.Client.GetGrain<IStorageProbeGrain>(NextKey());
        await probe.WriteAsync("before");

        await probe.ClearAsync();

        var cleared = await probe.ReadAsync();
        Assert.Null(cleared.Value);
        Assert.Equal(0, cleared.Writes);
        var written = await probe.WriteAsync("after");
        Assert.Equal("after", written.Value);
        Assert.Equal(1, written.Writes);
    }

    [Fact]
    public async Task ReminderTicksAreRecordedAndStopRemovesItsRow()
    {
        var key = NextKey();
        var probe = cluster.Client.GetGrain<IReminderProbeGrain>(key);

        await probe.StartAsync(TimeSpan.FromSeconds(1));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await probe.GetTicksAsync()).Length < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        Assert.True((await probe.GetTicksAsync()).Length >= 2, "the reminder did not tick twice within 20 s");
        using var db = cluster.OpenDatabase();
        const string Rows = "SELECT COUNT(*) FROM OrleansRemindersTable WHERE ServiceId = $service AND GrainId LIKE $grain";
        Assert.Equal([1L], Query(db, Rows, r => r.GetInt64(0), ("$service", cluster.ServiceId), ("$grain", $"%/{key:x}")));

        await probe.StopAsync();

        Assert.Equal([0L], Query(db, Rows, r => r.GetInt64(0), ("$service", cluster.ServiceId), ("$grain", $"%/{key:x}")));
        Assert.Empty(await probe.GetTicksAsync());
    }

    private static List<T> Query<T>(SqliteConnection db, string sql, Func<SqliteDataReader, T> read, params (string Name, object Value)[] parameters)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static int Execute(SqliteConnection db, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command.ExecuteNonQuery();
    }
}
