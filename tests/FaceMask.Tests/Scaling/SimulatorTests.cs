using System.Xml.Linq;
using FaceMask.Grains.Scaling;
using FaceMask.Grains.Scaling.Simulation;

namespace FaceMask.Tests.Scaling;

public sealed class SimulatorTests
{
    private const double Mu = 13;

    [Fact]
    public void OriginalModeStaysWithinOneToEightWorkersOnTheOriginalTrace()
    {
        var minutes = Run(Traces.Original, ScalingMode.Original).Report.Minutes;

        Assert.All(minutes, m => Assert.InRange(m.Serving + m.Booting, 1, 8));
        Assert.All(minutes, m => Assert.True(m.Serving >= 1, $"minute {m.Minute} has no serving worker"));
        Assert.Equal(8, minutes.Max(m => m.Serving));
    }

    [Fact]
    public void DemandModeSettlesWithinThreeMinutesAfterEveryStepOfTheOriginalTrace()
    {
        var report = Run(Traces.Original, ScalingMode.Demand).Report;

        // Demand changes at minutes 20 (1 → 2), 60 (2 → 8), 80 (8 → 2) and 120 (2 → 1); 8 → 10 uploads/s keeps d = 2.
        Assert.Equal(4, report.SettlingTimes.Count);
        Assert.All(report.SettlingTimes, t => Assert.InRange(t, 0, 3));
        Assert.Equal(report.SettlingTimes.Max(), report.Metrics.MaxSettlingTime);
    }

    [Fact]
    public void DemandModeOverProvisionsAtMostTenPercentOnTheOriginalTrace()
    {
        var metrics = Run(Traces.Original, ScalingMode.Demand).Report.Metrics;

        Assert.InRange(metrics.ThetaO, 0, 10);
    }

    [Fact]
    public void DemandModeNeverReversesInsideASteadySegmentOfTheOriginalTrace()
    {
        var report = Run(Traces.Original, ScalingMode.Demand).Report;

        Assert.Equal(0, report.Metrics.Reversals);
        foreach (var (start, end) in Elasticity.Segments(report.Minutes))
        {
            var directions = report.Minutes.Skip(start).Take(end - start + 1)
                .Where(m => m.Action != ScalingAction.None).Select(m => m.Action).Distinct().ToList();
            Assert.True(directions.Count <= 1, $"minutes {start}–{end} both grow and shrink");
        }
    }

    [Fact]
    public void DemandModeIsSteadierAndOverProvisionsLessThanOriginalModeOnTheOriginalTrace()
    {
        var original = Run(Traces.Original, ScalingMode.Original).Report.Metrics;
        var demand = Run(Traces.Original, ScalingMode.Demand).Report.Metrics;

        Assert.True(demand.Instability < original.Instability, $"instability {demand.Instability} vs {original.Instability}");
        Assert.True(demand.ThetaO < original.ThetaO, $"θO {demand.ThetaO} vs {original.ThetaO}");
    }

    [Fact]
    public void DemandModeLearnsTheCapacityFromAWrongPriorInTheFirstLoadedMinute()
    {
        var verdicts = Run(Traces.Original, ScalingMode.Demand, prior: 0.7 * Mu).Verdicts;

        // Minutes 0–19 carry no load: no sample, the prior stands.
        Assert.All(verdicts.Take(20), v => Assert.Equal(0.7 * Mu, v.CapacityEstimate!.Value, 9));
        Assert.Equal(Mu, verdicts[20].CapacityEstimate!.Value, 0.01 * Mu);
        Assert.All(verdicts.Skip(20), v => Assert.Equal(Mu, v.CapacityEstimate!.Value, 0.01 * Mu));
    }

    [Fact]
    public void WithNoiseDemandModeLearnsTheCapacityWithinThreePercentInTheFirstLoadedMinutes()
    {
        var verdicts = Run(Traces.Original, ScalingMode.Demand, noise: true, prior: 0.7 * Mu).Verdicts;

        Assert.All(verdicts.Skip(20), v => Assert.Equal(Mu, v.CapacityEstimate!.Value, 0.03 * Mu));
    }

    [Fact]
    public void AWrongPriorDoesNotChangeDemandModesDecisionsOnceLoadArrives()
    {
        var right = Run(Traces.Original, ScalingMode.Demand).Report;
        var wrong = Run(Traces.Original, ScalingMode.Demand, prior: 0.7 * Mu).Report;

        Assert.Equal(right.Minutes.Select(m => m.Serving), wrong.Minutes.Select(m => m.Serving));
    }

    [Fact]
    public void AWorkerAddedAtATickBootsForTwoMinutesAndServesFromTheThird()
    {
        var minutes = Run(Traces.Original, ScalingMode.Demand).Report.Minutes;

        Assert.Equal((ScalingAction.Grow, 1), (minutes[20].Action, minutes[20].Count));
        Assert.Equal((1, 0), (minutes[20].Serving, minutes[20].Booting));
        Assert.Equal((1, 1), (minutes[21].Serving, minutes[21].Booting));
        Assert.Equal((1, 1), (minutes[22].Serving, minutes[22].Booting));
        Assert.Equal((2, 0), (minutes[23].Serving, minutes[23].Booting));
    }

    [Fact]
    public void ARemovedWorkerStopsServingTheNextMinute()
    {
        var minutes = Run(Traces.Original, ScalingMode.Demand).Report.Minutes;

        Assert.Equal(ScalingRules.DemandStabilizing, minutes[80].Rule);
        Assert.Equal((ScalingAction.Shrink, 6), (minutes[81].Action, minutes[81].Count));
        Assert.Equal(8, minutes[81].Serving);
        Assert.Equal(2, minutes[82].Serving);
    }

    [Fact]
    public void TheTickSeesTheCpuOfTheMinuteAveragedWithThePreviousOne()
    {
        var run = Run(Traces.Original, ScalingMode.Original);

        // One worker, minute 19 idle, minute 20 at 8/13 = 61.5 %: the tick at the end of minute 20 sees 30.8 %.
        Assert.Equal(100 * 8 / Mu, run.Report.Minutes[20].MeanCpu!.Value, 9);
        Assert.Equal(100 * 8 / Mu / 2, run.Verdicts[20].MeanCpu!.Value, 9);
        Assert.Equal(8, run.Verdicts[20].ArrivalRate);
    }

    [Fact]
    public void WithoutNoiseTheCpuFollowsTheLoadModelExactly()
    {
        var minutes = Run(Traces.Original, ScalingMode.Original).Report.Minutes;

        Assert.Equal(100 * 10 / (2 * Mu), minutes[50].MeanCpu!.Value, 9);
        Assert.Equal(100, minutes[61].MeanCpu);
        Assert.Equal(0, minutes[5].MeanCpu);
    }

    [Fact]
    public void TheSameSeedGivesTheSameRunAndAnotherSeedAnotherOne()
    {
        var request = new SimulationRequest(Traces.Sine, ScalingPolicy.Default, Noise: true, Seed: 7);

        var first = Simulator.Run(request);
        var again = Simulator.Run(request);
        var other = Simulator.Run(request with { Seed = 8 });

        Assert.Equal(first.Minutes, again.Minutes);
        Assert.Equal(first.Svg, again.Svg);
        Assert.NotEqual(first.Minutes.Select(m => m.MeanCpu), other.Minutes.Select(m => m.MeanCpu));
    }

    [Fact]
    public void AnInvalidRequestIsRefusedWithEveryProblem()
    {
        var request = new SimulationRequest("weekly", ScalingPolicy.Default with { MinWorkers = 0 }, WorkerCapacity: 0, BootMinutes: -1);

        var problems = Simulator.Validate(request);
        var error = Assert.Throws<ArgumentException>(() => Simulator.Run(request));

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("Unknown trace 'weekly'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Minimum workers", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Worker capacity", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Boot delay", StringComparison.Ordinal));
        Assert.Contains("Boot delay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTracesHaveTheirDocumentedShapes()
    {
        var original = Traces.Get("original").Load;
        var sine = Traces.Get("SINE").Load;
        var spike = Traces.Get(Traces.Spike).Load;

        Assert.Equal(140, original.Count);
        Assert.Equal([0, 8, 10, 100, 10, 8, 0], original.Chunk(20).Select(c => Assert.Single(c.Distinct())));
        Assert.Equal(180, sine.Count);
        Assert.Equal(3, sine.Min(), 9);
        Assert.Equal(47, sine.Max(), 9);
        Assert.Equal(120, spike.Count);
        Assert.Equal(13, spike.Count(l => l == 80));
        Assert.Throws<ArgumentException>(() => Traces.Get("weekly"));
    }

    [Fact]
    public void ThePlotIsASelfContainedSvgWithLabelledAxes()
    {
        var svg = Run(Traces.Spike, ScalingMode.Demand, noise: true).Report.Svg;

        var root = XDocument.Parse(svg).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        foreach (var label in new[] { "Load (uploads/s)", "Workers", "Mean CPU of serving workers (%)", "minute", "demand d", "serving s", "grow 65 %" })
        {
            Assert.Contains(label, svg, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<script", svg, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", svg, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, svg.Split("http").Length - 1); // the SVG namespace only
        Assert.True(root.Descendants().Count(e => e.Name.LocalName == "path") >= 5);
    }

    [Fact]
    public void ACallersTraceRunsLikeTheNamedTraceWithTheSameLoads()
    {
        var named = Run(Traces.Original, ScalingMode.Demand);
        var own = new LoadTrace("mine", "the original's loads, one per tick", Traces.Get(Traces.Original).Load);

        var run = Simulator.RunDetailed(
            new SimulationRequest("not a known trace", ScalingPolicy.Default with { Mode = ScalingMode.Demand }, Mu, BootMinutes: 2, Noise: false, Seed: 1), own);

        Assert.Equal(named.Report.Minutes, run.Report.Minutes);
        Assert.Equal(named.Report.Metrics, run.Report.Metrics);
    }

    [Fact]
    public void ACallersTraceIsRefusedWhenEmptyOrNegative()
    {
        var request = new SimulationRequest("mine", ScalingPolicy.Default, Mu);

        Assert.Throws<ArgumentException>(() => Simulator.RunDetailed(request, new LoadTrace("mine", "", [])));
        Assert.Throws<ArgumentException>(() => Simulator.RunDetailed(request, new LoadTrace("mine", "", [1, -1])));
        Assert.Throws<ArgumentException>(() => Simulator.RunDetailed(request with { WorkerCapacity = 0 }, new LoadTrace("mine", "", [1])));
    }

    private static SimulationRun Run(string trace, ScalingMode mode, bool noise = false, double prior = Mu) =>
        Simulator.RunDetailed(new SimulationRequest(
            trace, ScalingPolicy.Default with { Mode = mode, CapacityPrior = prior }, Mu, BootMinutes: 2, noise, Seed: 1));
}
