using System.Net;
using System.Text;
using System.Text.Json;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;
using FaceMask.Grains.Scaling.Simulation;
using FaceMask.LoadGen.Cli;
using FaceMask.LoadGen.Experiment;
using FaceMask.LoadGen.Reporting;
using FaceMask.LoadGen.Requests;
using FaceMask.LoadGen.Running;
using FaceMask.LoadGen.Scheduling;
using FaceMask.LoadGen.Stats;

namespace FaceMask.LoadGen.Tests;

public sealed class ExperimentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 28, 2, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(10);
    private static readonly ScalingPolicy Policy = ExperimentSettings.Policy(ScalingMode.Demand);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void TheDefaultsCompressTheScalersWindowsWithItsPeriod()
    {
        var settings = ExperimentSettings.Parse(["--local", "--period", "15s", "--step", "90s"]);

        Assert.True(settings.Local);
        Assert.Equal([ScalingMode.Original, ScalingMode.Demand], settings.Modes);
        Assert.Equal(TimeSpan.FromSeconds(15), settings.ArrivalWindow);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.CpuWindow);
        Assert.Equal(TimeSpan.FromSeconds(150), settings.CapacityWindow);
        Assert.Equal(42, settings.Ticks);
        var environment = settings.ScalerEnvironment();
        Assert.Equal("00:00:15", environment["Scaler__Period"]);
        Assert.Equal("00:00:15", environment["Scaler__ArrivalWindow"]);
        Assert.Equal("00:00:30", environment["Scaler__CpuWindow"]);
        Assert.Equal("00:02:30", environment["Scaler__CapacityWindow"]);
        Assert.Equal("false", environment["Scaler__EnabledAtStart"]);
        Assert.Equal("00:00:01", environment["WorkerMetrics__Interval"]);
    }

    [Fact]
    public void TheScheduleIsTheOriginalsStepsTimesTheFactor()
    {
        var settings = ExperimentSettings.Parse(["--local", "--mode", "original", "--step", "30s"]);

        var schedule = settings.Schedule(0.5);

        Assert.Equal([ScalingMode.Original], settings.Modes);
        Assert.Equal(TimeSpan.FromSeconds(210), schedule.Duration);
        Assert.Equal([0, 4, 5, 50, 5, 4, 0], Enumerable.Range(0, 7).Select(i => schedule.RateAt(TimeSpan.FromSeconds((30 * i) + 1))));
    }

    [Theory]
    [InlineData("--url", "http://localhost:5000", "--user", "a", "--password", "b")]
    [InlineData("--local", "--step", "20s", "--period", "10s")]
    [InlineData("--local", "--period", "1s")]
    [InlineData("--local", "--mode", "sideways")]
    [InlineData("--local", "--user", "admin")]
    [InlineData("--local", "--url", "http://localhost:5000")]
    public void BadCommandLinesAreUsageErrors(params string[] args)
    {
        Assert.Throws<UsageException>(() => ExperimentSettings.Parse(args));
    }

    [Fact]
    public void ARunningSystemNeedsItsAdministratorAndTheCapacity()
    {
        var settings = ExperimentSettings.Parse(["--url", "http://localhost:5000", "--user", "admin", "--password", "pw", "--capacity", "12.5"]);

        Assert.False(settings.Local);
        Assert.Equal(new Credentials("admin", "pw"), settings.Admin);
        Assert.Equal(12.5, settings.Capacity);
    }

    [Fact]
    public void TheCalibratedCapacityIsTheSaturatedThroughputAndItsCpuIsShownAgainstTheQuota()
    {
        // At rest 0.04 cores of a 0.2-core quota; saturated at 10 answers/s for 0.19 cores: 15 ms per answer above rest.
        var calibration = new Calibration(0.04, 4, 10, 0.19, 0.2, TimeSpan.FromSeconds(25), LatencySummary.Empty);

        Assert.Equal(20, calibration.IdlePercent, 9);
        Assert.Equal(95, calibration.CpuPercent, 9);
        Assert.Equal(10, calibration.Capacity, 9);
        Assert.Equal(15, calibration.CpuMsPerRequest, 9);
    }

    [Fact]
    public void EachDecisionLandsOnThePeriodItObservedAndAMissingTickKeepsTheLastSupply()
    {
        // 30 s at 0 then 30 s at 9/s: μ = 10, u* = 0.45 → demand 1, then ceil(9 / 4.5) = 2.
        var schedule = RateSchedule.Parse("30s@0,30s@9");
        var decisions = new[]
        {
            Decision(1, 10.2, ScalingAction.None, Serving(1)),
            Decision(2, 19.8, ScalingAction.None, Serving(1)),
            // no tick observed period 2 (it would have come at about 30 s)
            Decision(3, 40.4, ScalingAction.Grow, Serving(1, 95)),
            Decision(4, 50.1, ScalingAction.None, [.. Serving(1, 90), Booting()]),
            Decision(5, 60.3, ScalingAction.None, Serving(2, 50, 40)),
            Decision(6, 70.0, ScalingAction.None, Serving(2, 45, 45)),   // after the run: ignored
        };

        var timeline = ExperimentTimeline.Build(schedule, Period, T0, [], decisions, Policy, capacity: 10);

        Assert.Equal(6, timeline.Rows.Count);
        Assert.Equal(1, timeline.MissingTicks);
        Assert.Equal([1L, 2, 0, 3, 4, 5], timeline.Rows.Select(r => r.Decision?.Sequence ?? 0));
        Assert.Equal([1, 1, 1, 2, 2, 2], timeline.Minutes.Select(m => m.Demand));
        Assert.Equal([1, 1, 1, 1, 1, 2], timeline.Minutes.Select(m => m.Serving));
        Assert.Equal([0, 0, 0, 0, 1, 0], timeline.Minutes.Select(m => m.Booting));
        Assert.Equal("no-tick", timeline.Minutes[2].Rule);
        Assert.Equal(ScalingAction.Grow, timeline.Minutes[3].Action);
        Assert.Equal(45, timeline.Rows[5].MeanCpu!.Value, 9);
        Assert.Null(timeline.Rows[2].MeanCpu);

        // The metrics are the simulator's own on these ticks: under by 1 of 2 at ticks 3 and 4.
        var expected = Elasticity.Measure(timeline.Minutes).Metrics;
        Assert.Equal(expected, timeline.Elasticity.Metrics);
        Assert.Equal(100.0 / 6 * (0.5 + 0.5), timeline.Elasticity.Metrics.ThetaU, 9);
        Assert.Equal(100.0 / 6 * 2, timeline.Elasticity.Metrics.TauU, 9);
        Assert.Equal(1, timeline.Elasticity.Metrics.Actions);
    }

    [Fact]
    public void AFailedApplyCountsAsNoAction()
    {
        var failed = Decision(1, 10, ScalingAction.Grow, Serving(1, 99)) with { ApplyError = "fleet busy" };

        var timeline = ExperimentTimeline.Build(RateSchedule.Parse("10s@9"), Period, T0, [], [failed], Policy, capacity: 10);

        Assert.Equal(ScalingAction.None, timeline.Minutes.Single().Action);
        Assert.Equal(0, timeline.Elasticity.Metrics.Actions);
    }

    [Fact]
    public void RequestsAreCountedInThePeriodTheyStartedOrEndedIn()
    {
        var records = new List<RequestRecord>
        {
            Ok(0, start: 1, end: 1.1),
            Ok(1, start: 9.9, end: 10.3),    // sent in period 0, answered in period 1
            Ok(2, start: 12, end: 12.5),
            new(3, "x.png", TimeSpan.FromSeconds(13), null, null, RequestOutcome.Dropped, 0, 0, 0, "cap"),
            new(4, "x.png", TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(14), TimeSpan.FromSeconds(15), RequestOutcome.HttpError, 503, 0, 0, null),
        };

        var timeline = ExperimentTimeline.Build(RateSchedule.Parse("20s@1"), Period, T0, records, [], Policy, capacity: 10);

        Assert.Equal([0.2, 0.2], timeline.Rows.Select(r => r.SentPerSecond));
        Assert.Equal([0.1, 0.2], timeline.Rows.Select(r => r.OkPerSecond));
        Assert.Equal([0, 2], timeline.Rows.Select(r => r.Errors));
        Assert.Equal(500, timeline.Rows[1].Latency.Max!.Value, 6);
        var steps = ExperimentTimeline.StepLatencies(records, TimeSpan.FromSeconds(10), 2);
        Assert.Equal([1, 2], steps.Select(s => s.Count));
    }

    [Fact]
    public void BootTimesAreMeasuredForWorkersLaunchedDuringTheRun()
    {
        WorkerInfo Worker(string id, double launched, double? running) => new(
            id, id, WorkerState.Running, null, null, 0, 0, T0.AddSeconds(launched), running is { } r ? T0.AddSeconds(r) : null, false, true, null);

        var boots = ExperimentTimeline.BootSeconds([Worker("w1", -100, -90), Worker("w2", 40, 52), Worker("w3", 41, null), Worker("w4", 60, 68)], T0);

        Assert.Equal([8.0, 12.0], boots);
        Assert.Equal(1, ExperimentReport.BootTicks(boots, Period));
        Assert.Equal(1, ExperimentReport.BootTicks([], Period));
        Assert.Equal(2, ExperimentReport.BootTicks([15, 16, 30], Period));
    }

    [Fact]
    public async Task TheManagerClientReadsTheApisJsonWithBasicCredentials()
    {
        var decision = Decision(7, 10, ScalingAction.Grow, Serving(1, 80));
        var page = new DecisionPage(1, [decision]);
        string? authorization = null;
        var handler = new Handler(request =>
        {
            authorization = request.Headers.Authorization?.ToString();
            var body = JsonSerializer.Serialize(new { success = true, payload = page }, ManagerClient.Json);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        });
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };

        var read = await new ManagerClient(http, new Credentials("admin", "secret")).DecisionsSinceAsync(T0, Ct);

        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:secret")), authorization);
        var only = Assert.Single(read);
        Assert.Equal(decision.Sequence, only.Sequence);
        Assert.Equal(decision.At, only.At);
        Assert.Equal(ScalingMode.Demand, only.Mode);
        Assert.Equal(ScalingAction.Grow, only.Action);
        Assert.Equal(80, only.Workers.Single().CpuPercent);
        Assert.Equal(decision.Policy, only.Policy);
    }

    [Fact]
    public async Task AnApiErrorBecomesAnErrorWithItsStatusAndMessage()
    {
        var handler = new Handler(_ => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("{\"success\":false,\"error\":{\"code\":403,\"message\":\"Forbidden - Administrators only\"}}"),
        });
        using var http = new HttpClient(handler) { BaseAddress = new Uri("http://localhost") };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => new ManagerClient(http, new Credentials("u", "p")).EnableScalerAsync(Ct));

        Assert.Contains("403", error.Message, StringComparison.Ordinal);
        Assert.Contains("Administrators only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheReportHasBothModesSideBySideWithTheirPlotsAndThePrediction()
    {
        var settings = ExperimentSettings.Parse(["--local", "--step", "30s", "--period", "10s"]);
        var schedule = settings.Schedule(1);
        var results = new[] { Result(ScalingMode.Original, settings, schedule), Result(ScalingMode.Demand, settings, schedule) };

        var files = ExperimentReport.Files(settings, results, "experiment --local");

        Assert.Equal(
            ["demand-simulated.svg", "demand-ticks.csv", "demand.svg", "original-simulated.svg", "original-ticks.csv", "original.svg", "report.md"],
            files.Keys.Order(StringComparer.Ordinal));
        var report = files["report.md"];
        Assert.Contains("| metric | Original measured | Demand measured | Original simulated, same trace | Demand simulated, same trace |", report, StringComparison.Ordinal);
        Assert.Contains("![Original mode, measured](original.svg)", report, StringComparison.Ordinal);
        Assert.Contains("![Demand mode, measured](demand.svg)", report, StringComparison.Ordinal);
        Assert.Contains("rate factor: 1", report, StringComparison.Ordinal);
        Assert.StartsWith("<svg", files["original.svg"], StringComparison.Ordinal);
        Assert.EndsWith("</svg>\n", files["demand.svg"], StringComparison.Ordinal);
        Assert.Equal(21 + 1, files["original-ticks.csv"].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void TheSimulatorPredictsOnTheCompressedTraceWithTheMeasuredBootDelay()
    {
        var settings = ExperimentSettings.Parse(["--local", "--step", "30s", "--period", "10s"]);
        var result = Result(ScalingMode.Demand, settings, settings.Schedule(1));

        var prediction = ExperimentReport.Predict(result, Period, [14]);

        Assert.Equal(1, prediction.BootTicks);
        Assert.Equal(21, prediction.SameTrace.Report.Minutes.Count);
        Assert.Equal(result.Timeline.Rows.Select(r => r.Load), prediction.SameTrace.Report.Minutes.Select(m => m.Load));
        Assert.Equal(140, prediction.OriginalTrace.Report.Minutes.Count);
    }

    private static ModeResult Result(ScalingMode mode, ExperimentSettings settings, RateSchedule schedule)
    {
        var policy = ExperimentSettings.Policy(mode);
        var decisions = Enumerable.Range(0, settings.Ticks)
            .Select(i => Decision(i + 1, (i + 1) * 10.0, ScalingAction.None, Serving(2, 40, 50)) with { Mode = mode, Policy = policy })
            .ToList();
        var timeline = ExperimentTimeline.Build(schedule, settings.Period, T0, [], decisions, policy, 13);
        return new ModeResult(
            mode, policy, timeline, RunSummary.Of(schedule, [], TimeSpan.FromSeconds(210)),
            new Calibration(0.04, 4, 13, 0.2, 0.2, TimeSpan.FromSeconds(25), LatencySummary.Empty), 1, 13, (1, 2, 3), (2, 2, 3), TimeSpan.Zero,
            (1.2, 1.5, 2), [12, 14], [], null, T0, []);
    }

    private static ScalingDecision Decision(long sequence, double seconds, ScalingAction action, WorkerObservation[] workers) => new(
        sequence, T0.AddSeconds(seconds), ScalingMode.Demand, Policy, workers, 0, 0, 0, null, null, 1.5, 12, "rule",
        action, action == ScalingAction.None ? 0 : 1, "why", workers.Length, workers.Length + (action == ScalingAction.Grow ? 1 : 0), null);

    private static WorkerObservation[] Serving(int count, params double[] cpus) =>
        [.. Enumerable.Range(0, count).Select(i => new WorkerObservation($"w{i}", true, i < cpus.Length ? cpus[i] : null, 1, 1))];

    private static WorkerObservation Booting() => new("b", false, null, null, null);

    private static RequestRecord Ok(long index, double start, double end) => new(
        index, "x.png", TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(start), TimeSpan.FromSeconds(end), RequestOutcome.Ok, 200, 1, 1, null);

    private sealed class Handler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
