using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;
using static FaceMask.IntegrationTests.ApiClient;

namespace FaceMask.IntegrationTests.ClusterProfile;

/// <summary>
/// The cluster profile as it is deployed, in processes: three silos and two WebFronts on MariaDB + s3rver. A session
/// started on one WebFront is valid on the other; uploads through both are stored once and served by either; and
/// <c>kill -9</c> of the silo that hosts the fleet, the scaler and the policy, under upload load through both
/// WebFronts, loses none of their state (worker set, series, policy, decision log), the scaler's reminder goes on
/// ticking elsewhere, and every upload answered 200 keeps its row and its objects.
/// </summary>
[Trait("Category", "MySql")]
[Trait("Category", "S3")]
public sealed class MultiProcessFailoverTests(ClusterProfileSystem system) : IClassFixture<ClusterProfileSystem>
{
    private const string Password = "password-123";
    private const int UploadersPerFront = 2;

    /// <summary>From the kill to the grain answering from another silo: membership must first declare the silo dead.</summary>
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(45);

    /// <summary>Uploads that start this long after the kill must all be accepted: the failover is over by then.</summary>
    private static readonly TimeSpan FailoverWindow = TimeSpan.FromSeconds(30);

    /// <summary>Not the default in any field; bounds 3..3 keep the scaler from changing the worker set under the test.</summary>
    private static readonly ScalingPolicy Policy = new(80, 10, 1.5, 0.5, 3, 3, 2, ScalingMode.Original, 3, 9);

    private static readonly TimeSpan LoadAfterKill = TimeSpan.FromSeconds(12);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task ASessionStartedOnWebFrontAIsValidOnWebFrontBAndUploadsThroughEitherAreServedByBoth()
    {
        using var a = system.A.NewClient();
        using var b = system.B.NewClient();
        var username = await RegisterAsync(a);
        var browser = new BrowserSession();
        await browser.LogInAsync(a, username, Password);
        Assert.Contains("facemask.auth", browser.CookieNames);

        // The cookie A issued opens B's upload page; without it B sends the visitor to log in.
        using (var anonymous = await b.GetAsync("/upload", Cancel))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.Equal("/login", anonymous.Headers.Location?.AbsolutePath);
        }

        using (var page = await browser.SendAsync(b, new HttpRequestMessage(HttpMethod.Get, "/upload")))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains(username, await page.Content.ReadAsStringAsync(Cancel));
        }

        // One upload through B's page with A's session, one through A's API.
        var photo = Fixture.All[0];
        var form = PhotoForm(photo.Bytes, photo.FileName);
        form.Add(new StringContent(await browser.TokenAsync(b, "/upload")), "__RequestVerificationToken");
        string throughPage;
        using (var posted = await browser.SendAsync(b, new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = form }))
        {
            Assert.True(posted.StatusCode == HttpStatusCode.Redirect, $"the upload page on B answered {(int)posted.StatusCode}");
            throughPage = posted.Headers.Location!.OriginalString["/uploads/".Length..];
        }

        var api = PhotoForm(Fixture.All[1].Bytes, Fixture.All[1].FileName);
        api.Add(new StringContent(username), "username");
        api.Add(new StringContent(Password), "password");
        var (status, body) = await PostAsync(a, "/api/upload", api);
        Assert.Equal(200, status);
        var throughApi = body.GetProperty("payload").GetProperty("id").GetString()!;

        foreach (var (id, sent) in new[] { (throughPage, photo), (throughApi, Fixture.All[1]) })
        {
            foreach (var front in new[] { a, b })
            {
                using var original = await browser.SendAsync(front, new HttpRequestMessage(HttpMethod.Get, $"/images/{id}/original"));
                Assert.Equal(HttpStatusCode.OK, original.StatusCode);
                Assert.Equal(sent.Bytes, await original.Content.ReadAsByteArrayAsync(Cancel));
                using var annotated = await browser.SendAsync(front, new HttpRequestMessage(HttpMethod.Get, $"/images/{id}/annotated"));
                Assert.Equal(HttpStatusCode.OK, annotated.StatusCode);
                Assert.Equal("image/jpeg", annotated.Content.Headers.ContentType?.MediaType);
                using var stranger = await front.GetAsync($"/images/{id}/original", Cancel);
                Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
            }
        }

        Assert.Empty(system.A.LocalFiles());
        Assert.Empty(system.B.LocalFiles());
    }

    [Fact]
    public async Task KillingTheSiloOfTheFleetScalerAndPolicyUnderUploadLoadKeepsTheirStateAndLosesNoAcceptedUpload()
    {
        var clock = Stopwatch.StartNew();
        var client = system.Client;
        var hosts = new GrainHosts(client);
        var fleet = client.GetGrain<IFleetGrain>(FleetKeys.Default);
        var scaler = client.GetGrain<IScalerGrain>(ScalingKeys.Default);
        var policy = client.GetGrain<IPolicyGrain>(ScalingKeys.Default);

        // The fleet adopts the three silos it did not launch (nothing provisions workers here).
        await UntilAsync(
            async () => (await fleet.ListAsync(WorkerState.Running)).Count == ClusterProfileSystem.SiloNames.Length,
            "the fleet never counted the three silos as Running workers");
        // The victim is a silo the fleet is not on yet, so that the move below is made (and proven) on every run.
        var fleetHome = await hosts.SiloOfAsync(fleet) ?? throw new InvalidOperationException("the fleet has no activation");
        var victim = ClusterProfileSystem.SiloNames.First(n => n != fleetHome);
        var survivors = ClusterProfileSystem.SiloNames.Where(s => s != victim).ToList();

        // State a fresh activation could not make up: a policy that is not the default (bounds 3..3, so the scaler's
        // decisions cannot change the worker set under the test), one survivor protected from scale-in, the other not.
        Assert.True((await policy.UpdateAsync(Policy)).Saved);
        Assert.NotNull(await fleet.SetScaleInProtectionAsync(survivors[0], true));
        // All three on the victim (live migration with a placement hint); the scaler is still off, so no tick
        // activates anything elsewhere meanwhile.
        var placedBy = $"fleet was on {fleetHome}, scaler on {await hosts.SiloOfAsync(scaler)}, policy on {await hosts.SiloOfAsync(policy) ?? "none"}";
        Assert.Equal(victim, await hosts.MoveAsync(fleet, () => fleet.ListAsync(null), victim));
        Assert.Equal(victim, await hosts.MoveAsync(scaler, () => scaler.StatusAsync(), victim));
        Assert.Equal(victim, await hosts.MoveAsync(policy, () => policy.GetAsync(), victim));
        Assert.True((await scaler.EnableAsync()).Enabled);

        var uploaders = new List<Uploader>();
        foreach (var front in new[] { system.A, system.B })
        {
            using var http = front.NewClient();
            for (var i = 0; i < UploadersPerFront; i++)
            {
                uploaders.Add(new Uploader(front.Name, front.Address, await RegisterAsync(http), Password));
            }
        }

        await using var load = UploadLoad.Start(uploaders);
        await UntilAsync(() => AcceptedOnEachFront(load, TimeSpan.Zero, 5), "the load never got uploads accepted on both fronts", TimeSpan.FromSeconds(60));
        await UntilAsync(async () => (await scaler.DecisionsAsync(0, 200)).Total >= 3, "the scaler never logged three decisions");
        // A minute of the series that is over before the kill: a fresh activation would have no point for it.
        await UntilAsync(
            async () => ClosedMinutes(await fleet.SeriesAsync(5)).Count > 0,
            "the fleet's series never closed a minute",
            TimeSpan.FromSeconds(70));

        var before = (await fleet.ListAsync(null)).ToDictionary(w => w.Id);
        var seriesBefore = ClosedMinutes(await fleet.SeriesAsync(5));
        var decisionsBefore = (await scaler.DecisionsAsync(0, 200)).Items.Select(Logged).ToList();
        foreach (var grain in new IAddressable[] { fleet, scaler, policy })
        {
            Assert.Equal(victim, await hosts.SiloOfAsync(grain));
        }

        var killedAt = load.Now;
        var killedWall = DateTimeOffset.UtcNow;
        var sinceKill = Stopwatch.StartNew();
        system.Cluster.Kill(victim);

        // Any answer now comes from a new activation on a survivor: the victim's process is gone.
        await UntilAsync(
            async () =>
            {
                try
                {
                    await fleet.ListAsync(null).WaitAsync(TimeSpan.FromSeconds(5), Cancel);
                    return true;
                }
                catch (Exception e) when (e is not OperationCanceledException || !Cancel.IsCancellationRequested)
                {
                    return false; // the call went to the dead silo, or timed out while the cluster noticed
                }
            },
            $"the fleet did not answer within {Recovery.TotalSeconds} s of killing {victim}",
            Recovery);
        var fleetBackAfter = sinceKill.Elapsed;
        // The scaler's log is only read, never ticked by hand: its durable reminder must make it decide again.
        IReadOnlyList<ScalingDecision> decisionsAfter = [];
        await UntilAsync(
            async () =>
            {
                try
                {
                    decisionsAfter = (await scaler.DecisionsAsync(0, 200).WaitAsync(TimeSpan.FromSeconds(5), Cancel)).Items;
                    return decisionsAfter.Count(d => d.At > killedWall) >= 2;
                }
                catch (Exception e) when (e is not OperationCanceledException || !Cancel.IsCancellationRequested)
                {
                    return false;
                }
            },
            $"the scaler logged no two decisions within {Recovery.TotalSeconds} s of killing {victim}",
            Recovery);
        var firstTickAfter = decisionsAfter.Where(d => d.At > killedWall).Min(d => d.At) - killedWall;
        await UntilAsync(
            async () => (await fleet.ListAsync(null)).Any(w => w.Id == victim && w.State == WorkerState.Failed),
            $"the fleet never marked {victim} Failed");
        var failedAfter = sinceKill.Elapsed;
        // The load goes on past WebFront's gateway-list refresh (10 s), so the fronts' view of the dead silo is tested too.
        var settled = killedAt + LoadAfterKill;
        await UntilAsync(() => AcceptedOnEachFront(load, settled, 5), "uploads stopped being accepted after the failover", TimeSpan.FromSeconds(60));
        var shots = await load.StopAsync();

        var after = (await fleet.ListAsync(null)).ToDictionary(w => w.Id);
        var seriesAfter = ClosedMinutes(await fleet.SeriesAsync(10));
        var policyAfter = await policy.GetAsync();
        var status = await scaler.StatusAsync();
        decisionsAfter = (await scaler.DecisionsAsync(0, 200)).Items;
        var homes = new Dictionary<string, string?>
        {
            ["fleet"] = await hosts.SiloOfAsync(fleet),
            ["scaler"] = await hosts.SiloOfAsync(scaler),
            ["policy"] = await hosts.SiloOfAsync(policy),
        };
        var audit = await UploadAudit.CheckAsync(system, shots);

        Output?.WriteLine(
            $"cluster up in {system.StartedIn.TotalSeconds:0.0} s; kill -9 {victim} (home of fleet, scaler, policy; before the move the {placedBy}) " +
            $"at {killedAt.TotalSeconds:0.0} s of the load");
        Output?.WriteLine(
            $"fleet answered again {fleetBackAfter.TotalSeconds:0.0} s after the kill; {victim} Failed in it after {failedAfter.TotalSeconds:0.0} s; " +
            $"first scaler tick {firstTickAfter.TotalSeconds:0.0} s after the kill; now at {string.Join(", ", homes.Select(h => $"{h.Key} {h.Value}"))}");
        Output?.WriteLine(UploadLoad.Describe(shots));
        var inFlight = shots.Where(s => s.Started <= killedAt && s.Ended >= killedAt).ToList();
        var slowest = shots.Where(s => s.Ended >= killedAt).Max(s => s.Ended - s.Started);
        Output?.WriteLine(
            $"{inFlight.Count} uploads in flight at the kill ({inFlight.Count(s => s.Accepted)} accepted); " +
            $"{shots.Count(s => s.Started > killedAt)} started after it; slowest answer from the kill on {slowest.TotalSeconds:0.00} s");
        Output?.WriteLine($"audit: {audit.Rows} rows, {audit.Objects} objects, {audit.OriginalsCompared} originals compared in {audit.Took.TotalSeconds:0.0} s");
        Output?.WriteLine("workers after: " + string.Join("; ", after.Values.Select(w => $"{w.Id} {w.State} protected={w.ScaleInProtected} {w.Detail}")));
        Output?.WriteLine(
            $"decisions: {decisionsBefore.Count} before the kill ({Rules(decisionsBefore.Select(d => d.Rule))}), " +
            $"{decisionsAfter.Count(d => d.At > killedWall)} after ({Rules(decisionsAfter.Where(d => d.At > killedWall).Select(d => d.Rule))}); last: " +
            string.Join("; ", decisionsAfter.Take(3).Select(d => $"#{d.Sequence} {d.Action} {d.Count} ({d.Rule}) {d.CurrentSize}->{d.TargetSize} {d.ApplyError}")));
        Output?.WriteLine($"test took {clock.Elapsed.TotalSeconds:0.0} s");

        // The fleet: the worker set as it was, the victim now Failed, the protection flags kept, the series kept.
        foreach (var survivor in survivors)
        {
            Assert.Equal(before[survivor], after[survivor]);
        }

        Assert.True(after[survivors[0]].ScaleInProtected);
        Assert.False(after[survivors[1]].ScaleInProtected);
        Assert.Equal(before[victim].RunningSince, after[victim].RunningSince);
        Assert.Equal(WorkerState.Failed, after[victim].State);
        Assert.All(before.Keys, id => Assert.Contains(id, after.Keys));
        Assert.All(seriesBefore, point => Assert.Contains(point, seriesAfter));

        // The policy and the scaler: the policy as set, still on, every decision logged before the kill still there
        // unchanged, and ticks after it on the same policy, numbered on from the log.
        Assert.Equal(Policy, policyAfter);
        Assert.True(status.Enabled);
        var logged = decisionsAfter.Select(Logged).ToList();
        Assert.All(decisionsBefore, d => Assert.Contains(d, logged));
        var newer = decisionsAfter.Where(d => d.At > killedWall).ToList();
        Assert.All(newer, d => Assert.True(d.Sequence > decisionsBefore.Max(b => b.Sequence), $"decision #{d.Sequence} after the kill reuses a number"));
        Assert.All(newer, d => Assert.Equal(Policy, d.Policy));
        Assert.Equal(decisionsAfter.Count, decisionsAfter.Select(d => d.Sequence).Distinct().Count());
        Assert.All(homes, home => Assert.True(home.Value is not null && survivors.Contains(home.Value), $"the {home.Key} is on {home.Value ?? "no silo"}"));

        // The uploads: no transport failure, refusals only as clean 5xx answers and only during the failover, and
        // the load went on through both fronts after it.
        Assert.All(shots, s => Assert.True(s.Accepted || s.IsCleanError(), $"not a clean answer: {s.Status} {s.Body}"));
        Assert.All(shots.Where(s => !s.Accepted), s => Assert.InRange(s.Started, killedAt - TimeSpan.FromSeconds(1), killedAt + FailoverWindow));
        Assert.True(system.A.IsRunning && system.B.IsRunning, "a WebFront died");
    }

    /// <summary>A decision as the log keeps it, without its per-worker inputs (a list, compared by reference in records).</summary>
    private static LoggedDecision Logged(ScalingDecision d) =>
        new(d.Sequence, d.At, d.Rule, d.Action, d.Count, d.Reason, d.Policy, d.CurrentSize, d.TargetSize, d.ApplyError, d.Workers.Count);

    private sealed record LoggedDecision(
        long Sequence, DateTimeOffset At, string Rule, ScalingAction Action, int Count, string Reason, ScalingPolicy Policy,
        int CurrentSize, int TargetSize, string? ApplyError, int Workers);

    private static string Rules(IEnumerable<string> rules) =>
        string.Join(", ", rules.GroupBy(r => r).Select(g => $"{g.Key} x{g.Count()}"));

    private static bool AcceptedOnEachFront(UploadLoad load, TimeSpan since, int count) =>
        load.Shots.Where(s => s.Accepted && s.Started >= since).GroupBy(s => s.By.Front).Count(g => g.Count() >= count) == 2;

    /// <summary>The points of minutes that are over (the current minute is still being written).</summary>
    private static List<SeriesPoint> ClosedMinutes(FleetSeries series) =>
        series.RunningWorkers.SkipLast(1).Where(p => p.Value is not null).ToList();

    private static async Task<string> RegisterAsync(HttpClient front)
    {
        var username = Site.SiteClient.NewUsername();
        var (status, body) = await PostAsync(front, "/api/register", new FormUrlEncodedContent([new("username", username), new("password", Password)]));
        Assert.True(status == 200, $"register answered {status}: {body}");
        return username;
    }

    private Task UntilAsync(Func<bool> condition, string failure, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), failure, deadline);

    private async Task UntilAsync(Func<Task<bool>> condition, string failure, TimeSpan? deadline = null)
    {
        if (!await Processes.EventuallyAsync(condition, deadline ?? TimeSpan.FromSeconds(30)))
        {
            Assert.Fail(failure + "\n" + system.Cluster.Logs());
        }
    }
}
