using FaceMask.Grains;
using FaceMask.Grains.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace FaceMask.Tests.MySql;

/// <summary>The stock AdoNet providers on FaceMask's MariaDB schema, two silos sharing one database.</summary>
[Trait("Category", "MySql")]
public sealed class MySqlClusterStoreTests(MySqlClusterFixture cluster) : IClassFixture<MySqlClusterFixture>
{
    private static long NextKey() => Random.Shared.NextInt64(1, long.MaxValue);

    [Fact]
    public async Task BothSilosAreActiveInTheDatabaseWithTheirGateways()
    {
        var rows = await cluster.Database.QueryAsync(
            "SELECT SiloName, Status, ProxyPort FROM OrleansMembershipTable WHERE DeploymentId = @cluster",
            r => (Name: r.GetString(0), Status: r.GetInt32(1), Gateway: r.GetInt32(2)),
            ("cluster", cluster.ClusterId));

        Assert.Equal(["silo-1", "silo-2"], rows.Select(r => r.Name).Order());
        Assert.All(rows, r => Assert.Equal(3, r.Status));
        Assert.All(rows, r => Assert.True(r.Gateway > 0));
        var hosts = await cluster.Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, TestContext.Current.CancellationToken);
        Assert.Equal(2, hosts.Count);
    }

    [Fact]
    public async Task StateIsWrittenReadBackAndClearedWithItsRowKept()
    {
        var key = NextKey();
        var probe = cluster.Client.GetGrain<IStorageProbeGrain>(key);

        var first = await probe.WriteAsync("first");
        var second = await probe.WriteAsync("second");

        Assert.Equal(("second", 2L), (second.Value, second.Writes));
        Assert.Equal(1, first.Writes);
        Assert.Equal([2], await VersionsAsync(key));

        await probe.ClearAsync();

        var cleared = await probe.ReadAsync();
        Assert.Null(cleared.Value);
        Assert.Equal(0, cleared.Writes);
        // DeleteStateOnClear is off: the row stays with no payload and a newer version.
        var row = await cluster.Database.QueryAsync(
            "SELECT PayloadBinary IS NULL, Version FROM OrleansStorage WHERE ServiceId = @service AND GrainTypeString = 'storageProbe' AND GrainIdN1 = @key",
            r => (NoPayload: r.GetBoolean(0), Version: r.GetInt32(1)),
            ("service", cluster.ServiceId),
            ("key", key));
        Assert.Equal([(true, 3)], row);

        var again = await probe.WriteAsync("after");
        Assert.Equal(("after", 1L), (again.Value, again.Writes));
        Assert.Equal([4], await VersionsAsync(key));
    }

    [Fact]
    public async Task WriteWithAStaleETagIsRejectedAndTheStoredStateIsKept()
    {
        var key = NextKey();
        var probe = cluster.Client.GetGrain<IStorageProbeGrain>(key);
        await probe.WriteAsync("first");

        // Someone else wrote meanwhile: the stored version moves past the activation's ETag.
        Assert.Equal(1, await cluster.Database.ExecuteAsync(
            "UPDATE OrleansStorage SET Version = Version + 1 WHERE ServiceId = @service AND GrainTypeString = 'storageProbe' AND GrainIdN1 = @key",
            ("service", cluster.ServiceId),
            ("key", key)));

        await Assert.ThrowsAsync<InconsistentStateException>(() => probe.WriteAsync("second"));

        // The conflict deactivated the activation; the next one reads what is stored.
        var stored = await probe.ReadAsync();
        Assert.Equal(("first", 1L), (stored.Value, stored.Writes));
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
                return state.ETag;
            }
            catch (InconsistentStateException)
            {
                return null;
            }
        })));

        Assert.Equal(["1"], outcomes.OfType<string>());
        var rows = await cluster.Database.QueryAsync(
            "SELECT Version FROM OrleansStorage WHERE GrainTypeString = 'race' AND GrainIdExtensionString = @key",
            r => r.GetInt32(0),
            ("key", key));
        Assert.Equal([1], rows);
    }

    [Fact]
    public async Task WithDeleteStateOnClearTheRowGoesAndAFirstWriteStartsOver()
    {
        var storage = cluster.Silos[0].Services.GetRequiredKeyedService<IGrainStorage>(MySqlClusterFixture.DeletingStorage);
        var grainId = GrainId.Create("deletetest", "d-" + Guid.NewGuid().ToString("N"));
        var state = new GrainState<StorageProbeState>(new StorageProbeState { Value = "kept", Writes = 1 });
        await storage.WriteStateAsync("deleting", grainId, state);
        var written = state.ETag;

        await storage.ClearStateAsync("deleting", grainId, state);

        Assert.Empty(await RowsAsync("deleting", grainId));
        var stale = new GrainState<StorageProbeState>(new StorageProbeState { Value = "stale" }) { ETag = written };
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("deleting", grainId, stale));
        var fresh = new GrainState<StorageProbeState>(new StorageProbeState { Value = "new", Writes = 1 });
        await storage.WriteStateAsync("deleting", grainId, fresh);
        Assert.Equal("1", fresh.ETag);
        var read = new GrainState<StorageProbeState>();
        await storage.ReadStateAsync("deleting", grainId, read);
        Assert.Equal("new", read.State?.Value);
    }

    [Fact]
    public async Task StringKeysDifferingInCaseOrTrailingBlanksAreIndependentStates()
    {
        var storage = cluster.Silos[1].Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Cluster);
        var stem = "u:" + Guid.NewGuid().ToString("N");
        string[] keys = [stem, stem.ToUpperInvariant(), stem + " ", stem + "é"];
        foreach (var key in keys)
        {
            await storage.WriteStateAsync("keys", GrainId.Create("keytest", key), new GrainState<StorageProbeState>(new StorageProbeState { Value = key }));
        }

        foreach (var key in keys)
        {
            var read = new GrainState<StorageProbeState>();
            await storage.ReadStateAsync("keys", GrainId.Create("keytest", key), read);
            Assert.Equal(key, read.State?.Value);
            Assert.Equal("1", read.ETag);
        }
    }

    [Fact]
    public async Task APayloadOverOneMebibyteRoundTrips()
    {
        var storage = cluster.Silos[0].Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Cluster);
        var grainId = GrainId.Create("bigtest", "b-" + Guid.NewGuid().ToString("N"));
        var value = string.Concat(Enumerable.Range(0, 120_000).Select(i => i.ToString("x8", System.Globalization.CultureInfo.InvariantCulture)));
        await storage.WriteStateAsync("big", grainId, new GrainState<StorageProbeState>(new StorageProbeState { Value = value }));

        var read = new GrainState<StorageProbeState>();
        await storage.ReadStateAsync("big", grainId, read);

        Assert.True(value.Length > 900_000);
        Assert.Equal(value, read.State?.Value);
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
        const string Rows = "SELECT COUNT(*) FROM OrleansRemindersTable WHERE ServiceId = @service AND GrainId LIKE @grain";
        Assert.Equal([1L], await cluster.Database.QueryAsync(Rows, r => r.GetInt64(0), ("service", cluster.ServiceId), ("grain", $"%/{key:X}")));

        await probe.StopAsync();

        Assert.Equal([0L], await cluster.Database.QueryAsync(Rows, r => r.GetInt64(0), ("service", cluster.ServiceId), ("grain", $"%/{key:X}")));
        Assert.Empty(await probe.GetTicksAsync());
    }

    private Task<List<int>> VersionsAsync(long key) => cluster.Database.QueryAsync(
        "SELECT Version FROM OrleansStorage WHERE ServiceId = @service AND GrainTypeString = 'storageProbe' AND GrainIdN1 = @key",
        r => r.GetInt32(0),
        ("service", cluster.ServiceId),
        ("key", key));

    private Task<List<int>> RowsAsync(string stateName, GrainId grainId) => cluster.Database.QueryAsync(
        "SELECT Version FROM OrleansStorage WHERE ServiceId = @service AND GrainTypeString = @state AND GrainIdExtensionString = @key",
        r => r.GetInt32(0),
        ("service", cluster.ServiceId),
        ("state", stateName),
        ("key", grainId.Key.ToString()));
}
