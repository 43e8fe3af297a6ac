using FaceMask.Grains.Scaling;
using FaceMask.Grains.Scaling.Simulation;

namespace FaceMask.Tests.Scaling;

public sealed class ElasticityTests
{
    // d: 1 2 2 2 1; s: 1 1 1 3 3; booting 0 1 1 0 0; a grow at minute 1 and a shrink at minute 3 (same segment).
    private static readonly IReadOnlyList<SimulationMinute> Minutes =
    [
        Minute(0, demand: 1, serving: 1, booting: 0, ScalingAction.None),
        Minute(1, demand: 2, serving: 1, booting: 1, ScalingAction.Grow),
        Minute(2, demand: 2, serving: 1, booting: 1, ScalingAction.None),
        Minute(3, demand: 2, serving: 3, booting: 0, ScalingAction.Shrink),
        Minute(4, demand: 1, serving: 3, booting: 0, ScalingAction.None),
    ];

    [Fact]
    public void AccuracyAndTimeshareFollowTheSpecRgFormulas()
    {
        var metrics = Elasticity.Measure(Minutes).Metrics;

        Assert.Equal(100.0 / 5 * (0.5 + 0.5), metrics.ThetaU, 9);
        Assert.Equal(100.0 / 5 * (0.5 + 2), metrics.ThetaO, 9);
        Assert.Equal(40, metrics.TauU, 9);
        Assert.Equal(40, metrics.TauO, 9);
    }

    [Fact]
    public void InstabilityCountsMinutesWhereSupplyAndDemandMoveDifferentlyAndJitterComparesTheirChanges()
    {
        var metrics = Elasticity.Measure(Minutes).Metrics;

        Assert.Equal(100.0 / 4 * 3, metrics.Instability, 9);
        Assert.Equal((1 - 2) / 5.0, metrics.Jitter, 9);
    }

    [Fact]
    public void SettlingIsMeasuredPerDemandStepToTheSegmentsFinalSupply()
    {
        var result = Elasticity.Measure(Minutes);

        Assert.Equal([(0, 0), (1, 3), (4, 4)], Elasticity.Segments(Minutes));
        Assert.Equal([2, 0], result.SettlingTimes);
        Assert.Equal(2, result.Metrics.MaxSettlingTime);
    }

    [Fact]
    public void AGrowThenAShrinkInOneSegmentIsAReversalAndWorkerMinutesIncludeBootingWorkers()
    {
        var metrics = Elasticity.Measure(Minutes).Metrics;

        Assert.Equal(2, metrics.Actions);
        Assert.Equal(1, metrics.Reversals);
        Assert.Equal(11, metrics.WorkerMinutes);
    }

    [Fact]
    public void OppositeActionsInDifferentSegmentsAreNotReversals()
    {
        IReadOnlyList<SimulationMinute> minutes =
        [
            Minute(0, demand: 2, serving: 1, booting: 1, ScalingAction.Grow),
            Minute(1, demand: 1, serving: 2, booting: 0, ScalingAction.Shrink),
        ];

        Assert.Equal(0, Elasticity.Measure(minutes).Metrics.Reversals);
    }

    private static SimulationMinute Minute(int t, int demand, int serving, int booting, ScalingAction action) =>
        new(t, 0, demand, serving, booting, null, action, action == ScalingAction.None ? 0 : 1, "test");
}
