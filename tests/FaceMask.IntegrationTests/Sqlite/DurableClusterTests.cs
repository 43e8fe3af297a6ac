using System.Diagnostics;
using FaceMask.Grains.Diagnostics;

namespace FaceMask.IntegrationTests.Sqlite;

/// <summary>
/// The embedded default's durability with real processes: three FaceMask.Silo programs on one SQLite file,
/// killed with <c>kill -9</c>, stopped and restarted. Nothing the cluster needs lives in a silo.
/// </summary>
public sealed class DurableClusterTests
{
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(60);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task ReminderKeepsTickingOnAnotherSiloAfterItsSiloIsKilled()
    {
        await using var cluster = new SiloCluster();
        await StartAsync(cluster, "silo-1", "silo-2", "silo-3");
        var client = await cluster.ConnectAsync();
        var probe = client.GetGrain<IReminderProbeGrain>(Random.Shared.NextInt64(1, long.MaxValue));
        await probe.StartAsync(TimeSpan.FromSeconds(1));
        var ticks = await EventuallyAsync(probe.GetTicksAsync, t => t.Length >= 2, "the reminder never ticked twice", cluster);
        var victim = ticks[^1].Silo;

        cluster.Kill(victim);
        var killedAt = DateTime.UtcNow;

        var after = await EventuallyAsync(
            probe.GetTicksAsync, t => t.Any(tick => tick.At > killedAt && tick.Silo != victim), $"no tick after {victim} was killed", cluster);
        var first = after.First(tick => tick.At > killedAt);
        Assert.NotEqual(victim, first.Silo);
        Output?.WriteLine($"kill -9 {victim} -> first tick on {first.Silo} after {(first.At - killedAt).TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task KillingTheFirstSiloLeavesTheClusterServingAndANewSiloCanJoin()
    {
        await using var cluster = new SiloCluster();
        await StartAsync(cluster, "silo-1");
        cluster.Start("silo-2");
        cluster.Start("silo-3");
        await cluster.WaitForActiveAsync("silo-1", "silo-2", "silo-3");
        var client = await cluster.ConnectAsync();
        // Grains until a few live on silo-1: they are the ones that must move.
        var keys = new List<long>();
        while (keys.Count < 200)
        {
            var batch = Enumerable.Range(0, 10).Select(_ => Random.Shared.NextInt64(1, long.MaxValue)).ToArray();
            await Task.WhenAll(batch.Select(k => client.GetGrain<IStorageProbeGrain>(k).WriteAsync($"v{k}")));
            keys.AddRange(batch);
            var onFirst = 0;
            foreach (var key in keys)
            {
                onFirst += (await client.GetGrain<IStorageProbeGrain>(key).ReadAsync()).Silo == "silo-1" ? 1 : 0;
            }

            if (keys.Count >= 30 && onFirst >= 3)
            {
                break;
            }
        }

        cluster.Kill("silo-1");
        var clock = Stopwatch.StartNew();

        // Every value is served again, those whose grain lived on silo-1 included.
        foreach (var key in keys)
        {
            var record = await EventuallyAsync(
                () => client.GetGrain<IStorageProbeGrain>(key).ReadAsync(), _ => true, $"grain {key} did not answer", cluster);
            Assert.Equal($"v{key}", record.Value);
            Assert.Equal(1, record.Writes);
            Assert.NotEqual("silo-1", record.Silo);
        }

        var served = clock.Elapsed;
        await cluster.WaitForActiveAsync("silo-2", "silo-3");
        var dead = clock.Elapsed;
        Assert.Equal(6, cluster.StatusOf("silo-1"));

        cluster.Start("silo-4");
        await cluster.WaitForActiveAsync("silo-2", "silo-3", "silo-4");
        var management = client.GetGrain<IManagementGrain>(0);
        var active = await management.GetDetailedHosts(onlyActive: true, TestContext.Current.CancellationToken);
        Assert.Equal(["silo-2", "silo-3", "silo-4"], active.Select(h => h.SiloName).Order());
        Output?.WriteLine($"kill -9 silo-1 -> all {keys.Count} grains served after {served.TotalSeconds:0.0} s, silo-1 Dead in the file after {dead.TotalSeconds:0.0} s; silo-4 joined");
    }

    [Fact]
    public async Task SixtyFourConcurrentWritersAcrossThreeSilosNeverMeetALockedDatabase()
    {
        const int Writers = 64;
        const int KeysPerWriter = 4;
        var duration = TimeSpan.FromSeconds(8);
        await using var cluster = new SiloCluster();
        await StartAsync(cluster, "silo-1", "silo-2", "silo-3");
        var client = await cluster.ConnectAsync();
        var baseKey = Random.Shared.NextInt64(1, long.MaxValue / 2);

        // Each writer owns its keys, so every acknowledged write must be counted in its grain's state.
        var acknowledged = new long[Writers * KeysPerWriter];
        var latencies = new List<double>[Writers];
        var failures = new List<string>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(async writer =>
        {
            latencies[writer] = [];
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var slot = (writer * KeysPerWriter) + (i % KeysPerWriter);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    await client.GetGrain<IStorageProbeGrain>(baseKey + slot).WriteAsync($"writer {writer} #{i}");
                    acknowledged[slot]++;
                    latencies[writer].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                catch (Exception e)
                {
                    lock (failures)
                    {
                        failures.Add(e.GetType().Name + ": " + e.Message);
                    }
                }
            }
        }));
        var elapsed = clock.Elapsed;

        Assert.True(failures.Count == 0, $"{failures.Count} failed writes, e.g. {failures.FirstOrDefault()}");
        Assert.False(cluster.AnyLogContains("database is locked"), "a silo logged 'database is locked':\n" + cluster.Logs());
        Assert.False(cluster.AnyLogContains("SQLite Error"), "a silo logged a SQLite error:\n" + cluster.Logs());
        var stored = await Task.WhenAll(acknowledged.Select((_, slot) => client.GetGrain<IStorageProbeGrain>(baseKey + slot).ReadAsync()));
        Assert.Equal(acknowledged, stored.Select(r => r.Writes));
        var silos = stored.GroupBy(r => r.Silo).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(silos.Count >= 2, "the probes did not spread: " + string.Join(", ", silos));

        var all = latencies.SelectMany(l => l).Order().ToArray();
        Output?.WriteLine(
            $"{all.Length} writes in {elapsed.TotalSeconds:0.0} s = {all.Length / elapsed.TotalSeconds:0} writes/s; " +
            $"p50 {all[all.Length / 2]:0} ms, p99 {all[(int)(all.Length * 0.99)]:0} ms, max {all[^1]:0} ms; " +
            $"grains per silo: {string.Join(", ", silos.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}");
    }

    [Fact]
    public async Task StoppingAndRestartingEverySiloKeepsGrainStateAndReminders()
    {
        await using var cluster = new SiloCluster();
        await StartAsync(cluster, "silo-1", "silo-2", "silo-3");
        var client = await cluster.ConnectAsync();
        var keys = Enumerable.Range(0, 20).Select(_ => Random.Shared.NextInt64(1, long.MaxValue)).ToArray();
        await Task.WhenAll(keys.Select(k => client.GetGrain<IStorageProbeGrain>(k).WriteAsync($"v{k}")));
        var reminderKey = Random.Shared.NextInt64(1, long.MaxValue);
        await client.GetGrain<IReminderProbeGrain>(reminderKey).StartAsync(TimeSpan.FromSeconds(1));
        await EventuallyAsync(client.GetGrain<IReminderProbeGrain>(reminderKey).GetTicksAsync, t => t.Length >= 1, "no tick", cluster);

        await Task.WhenAll(cluster.StopAsync("silo-1"), cluster.StopAsync("silo-2"), cluster.StopAsync("silo-3"));
        Assert.Empty(cluster.ActiveSilos());
        var restartedAt = DateTime.UtcNow;
        await StartAsync(cluster, "silo-4", "silo-5", "silo-6");
        var fresh = await cluster.ConnectAsync();

        foreach (var key in keys)
        {
            var record = await fresh.GetGrain<IStorageProbeGrain>(key).ReadAsync();
            Assert.Equal($"v{key}", record.Value);
            Assert.Equal(1, record.Writes);
        }

        var ticks = await EventuallyAsync(
            fresh.GetGrain<IReminderProbeGrain>(reminderKey).GetTicksAsync,
            t => t.Any(tick => tick.At > restartedAt),
            "the reminder did not tick after the restart",
            cluster);
        Assert.Contains(ticks, tick => tick.At < restartedAt);
    }

    private static async Task StartAsync(SiloCluster cluster, params string[] names)
    {
        foreach (var name in names)
        {
            cluster.Start(name);
        }

        await cluster.WaitForActiveAsync([.. cluster.ActiveSilos().Where(s => !names.Contains(s)), .. names]);
    }

    /// <summary>
    /// Calls <paramref name="read"/> until its result satisfies <paramref name="done"/>. A call may fail or hang
    /// while the cluster notices a dead silo; each is bounded and retried until the failover deadline.
    /// </summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string failure, SiloCluster cluster)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < Failover)
        {
            try
            {
                var value = await read().WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
                if (done(value))
                {
                    return value;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                last = e;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail($"{failure} within {Failover.TotalSeconds} s (last error: {last?.Message})\n{cluster.Logs()}");
        throw new UnreachableException();
    }
}
