using System.Diagnostics;
using System.Net;
using FaceMask.Grains.Diagnostics;

namespace FaceMask.IntegrationTests.MySql;

/// <summary>
/// The cluster profile with real processes on the test MariaDB: FaceMask.Silo programs with
/// <c>Cluster:Provider=MySql</c> form a cluster through the database, survive <c>kill -9</c>, and WebFront
/// finds them there; <c>FaceMask.Silo db init</c> applies the schema.
/// </summary>
[Trait("Category", "MySql")]
public sealed class MySqlClusterTests
{
    private static readonly TimeSpan Failover = TimeSpan.FromSeconds(60);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task AReminderKeepsTickingAndGrainStateSurvivesWhenTheirSiloIsKilled()
    {
        await using var cluster = await MySqlSiloCluster.CreateAsync();
        var clock = Stopwatch.StartNew();
        cluster.Start("silo-1");
        cluster.Start("silo-2");
        await cluster.WaitForActiveAsync("silo-1", "silo-2");
        Output?.WriteLine($"two silo processes Active in the database after {clock.Elapsed.TotalSeconds:0.0} s");
        var client = await cluster.ConnectAsync();

        var probe = client.GetGrain<IReminderProbeGrain>(Random.Shared.NextInt64(1, long.MaxValue));
        await probe.StartAsync(TimeSpan.FromSeconds(1));
        var ticks = await EventuallyAsync(probe.GetTicksAsync, t => t.Length >= 2, "the reminder never ticked twice", cluster);
        var victim = ticks[^1].Silo;
        // Grain state on the silo about to die: written before, read back from the survivor after.
        var keys = new List<long>();
        for (var attempt = 0; attempt < 200 && keys.Count < 5; attempt++)
        {
            var key = Random.Shared.NextInt64(1, long.MaxValue);
            if ((await client.GetGrain<IStorageProbeGrain>(key).WriteAsync($"v{key}")).Silo == victim)
            {
                keys.Add(key);
            }
        }

        Assert.NotEmpty(keys);

        cluster.Kill(victim);
        var killedAt = DateTime.UtcNow;
        clock.Restart();

        var after = await EventuallyAsync(
            probe.GetTicksAsync, t => t.Any(tick => tick.At > killedAt && tick.Silo != victim), $"no tick after {victim} was killed", cluster);
        var first = after.First(tick => tick.At > killedAt);
        Assert.NotEqual(victim, first.Silo);
        foreach (var key in keys)
        {
            var record = await EventuallyAsync(
                () => client.GetGrain<IStorageProbeGrain>(key).ReadAsync(), _ => true, $"grain {key} did not answer", cluster);
            Assert.Equal(($"v{key}", 1L), (record.Value, record.Writes));
            Assert.NotEqual(victim, record.Silo);
        }

        var survivor = victim == "silo-1" ? "silo-2" : "silo-1";
        await cluster.WaitForActiveAsync(survivor);
        Assert.Equal(6, await cluster.StatusOfAsync(victim));
        Output?.WriteLine(
            $"kill -9 {victim} -> first tick on {first.Silo} after {(first.At - killedAt).TotalSeconds:0.0} s; " +
            $"{keys.Count} grains served and {victim} Dead in the database after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task WebFrontReachesTheWorkersThroughTheDatabaseAndStartsNoWorkerOfItsOwn()
    {
        await using var cluster = await MySqlSiloCluster.CreateAsync();
        cluster.Start("silo-1");
        cluster.Start("silo-2");
        await cluster.WaitForActiveAsync("silo-1", "silo-2");

        var port = Processes.FreePort();
        var data = Directory.CreateTempSubdirectory("facemask-webfront-mysql-");
        try
        {
            var webFront = cluster.StartProgram(
                "webfront",
                Processes.WebFrontProgram,
                ["--urls", $"http://127.0.0.1:{port}", $"--Cluster:ClusterId={cluster.ClusterId}", $"--Cluster:ServiceId={cluster.ClusterId}",
                 "--Cluster:Provider=MySql", $"--Storage:DataDirectory={data.FullName}"]);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            string? body = null;
            var healthy = await Processes.EventuallyAsync(
                async () =>
                {
                    try
                    {
                        using var response = await http.GetAsync("/healthz", TestContext.Current.CancellationToken);
                        body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                        return response.StatusCode == HttpStatusCode.OK;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                TimeSpan.FromSeconds(90));

            Assert.True(healthy, "WebFront on MySQL never became healthy\n" + cluster.Logs());
            Assert.Contains("\"workers\":2", body, StringComparison.Ordinal);
            Assert.False(webFront.HasExited);
            // Only the two silos of this cluster: WebFront did not launch worker #1 on a SQLite file.
            Assert.Equal(["silo-1", "silo-2"], (await cluster.ActiveSilosAsync()).Order());
            Assert.False(File.Exists(Path.Combine(data.FullName, "orleans.db")));
            Assert.DoesNotContain("starting worker #1", cluster.LogOf("webfront"), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task DbInitAppliesTheSchemaConcurrentlyAndAgainAndFailsClearlyWithoutADatabase()
    {
        await using var cluster = await MySqlSiloCluster.CreateAsync();

        // Three at once on an empty database, then once more.
        var runs = Enumerable.Range(1, 3)
            .Select(i => cluster.StartProgram($"init-{i}", Processes.SiloProgram, ["db", "init", "--Cluster:Provider=MySql"]))
            .ToList();
        foreach (var run in runs)
        {
            await run.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        var again = cluster.StartProgram("init-again", Processes.SiloProgram, ["db", "init", "--Cluster:Provider=MySql"]);
        await again.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(runs.Append(again).All(r => r.ExitCode == 0), cluster.Logs());
        Assert.Contains($"MySQL schema applied to database {cluster.Database.Name}", cluster.LogOf("init-again"), StringComparison.Ordinal);
        Assert.Equal([20L], await cluster.Database.QueryAsync("SELECT COUNT(*) FROM OrleansQuery", r => r.GetInt64(0)));
        Assert.Equal([2L], await cluster.Database.QueryAsync(
            "SELECT COUNT(*) FROM information_schema.routines WHERE routine_schema = DATABASE()", r => r.GetInt64(0)));

        // The connection string must name a database: a clear message and exit code 1, nothing applied.
        var noDatabase = cluster.StartProgram(
            "init-bad", Processes.SiloProgram, ["db", "init", "--Cluster:Provider=MySql", "--ConnectionStrings:Cluster=Server=127.0.0.1;User ID=x"]);
        await noDatabase.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, noDatabase.ExitCode);
        Assert.Contains("names no database", cluster.LogOf("init-bad"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Calls <paramref name="read"/> until its result satisfies <paramref name="done"/>. A call may fail or hang
    /// while the cluster notices a dead silo; each is bounded and retried until the failover deadline.
    /// </summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, string failure, MySqlSiloCluster cluster)
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
