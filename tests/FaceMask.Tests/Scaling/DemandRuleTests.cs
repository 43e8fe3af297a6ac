using FaceMask.Grains.Scaling;
using static FaceMask.Tests.Scaling.Observe;

namespace FaceMask.Tests.Scaling;

public sealed class DemandRuleTests
{
    [Fact]
    public void ABigStepGrowsToTheDesiredSizeInOneStep()
    {
        // 100 requests/s over μ̂ = 13 at u* = 0.45 needs ceil(17.1) = 18 workers, clamped to 8.
        var verdict = Autoscaler.Decide(Demand, At(0, Serving(1, 100, received: 50), Serving(2, 100, received: 50)), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.DemandGrow, verdict.Rule);
        Assert.Equal(ScalingAction.Grow, verdict.Action);
        Assert.Equal(6, verdict.Count);
        Assert.Equal(8, verdict.TargetSize);
        Assert.Equal(100, verdict.ArrivalRate);
        Assert.Equal(13, verdict.CapacityEstimate);
        Assert.Equal([8], verdict.Next.RecentDesired);
    }

    [Fact]
    public void TheDesiredSizeIsTheArrivalRateOverCapacityAtTheTargetUtilization()
    {
        Assert.Equal(2, DemandRule.Desired(Demand, 8, 13));
        Assert.Equal(1, DemandRule.Desired(Demand, 0, 13));
        Assert.Equal(8, DemandRule.Desired(Demand, 1000, 13));
        Assert.Equal(2, DemandRule.Desired(Demand, 11.7, 13)); // exactly 2.0: not pushed to 3 by floating point
        Assert.Equal(3, DemandRule.Desired(Demand, 11.8, 13));
        Assert.Equal(3, DemandRule.Desired(Demand with { MinWorkers = 3 }, 0, 13));
    }

    [Fact]
    public void TheFleetAtTheDesiredSizeStays()
    {
        var verdict = Autoscaler.Decide(Demand, At(0, Serving(1, 31, received: 4), Serving(2, 31, received: 4)), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.DemandSteady, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
    }

    [Fact]
    public void BootingWorkersCountAsCapacity()
    {
        var verdict = Autoscaler.Decide(Demand, At(0, Serving(1, 61, received: 8), Booting(2)), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.DemandSteady, verdict.Rule);
        Assert.Equal(2, verdict.CurrentSize);
    }

    [Fact]
    public void NoShrinkWhileAServingWorkerLacksAMetric()
    {
        var verdict = Autoscaler.Decide(
            Demand, At(0, Serving(1, 5, received: 0.5), Serving(2, null, received: 0.5), Serving(3, 5, received: 0.5)), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.DemandMissingMetric, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Contains("1 serving worker(s) have no CPU metric", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NoShrinkWhileOnlyBootingWorkersAreSeen()
    {
        var verdict = Autoscaler.Decide(Demand, At(0, Booting(1), Booting(2), Booting(3)), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.DemandMissingMetric, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Equal(0, verdict.ArrivalRate);
    }

    [Fact]
    public void NoShrinkWhileTheMeanCpuIsWithinTenPercentOfTheTarget()
    {
        // λ̂ says one worker is enough, but three workers run at 47 % ≈ u* = 45 %: the two disagree, so keep.
        var verdict = Autoscaler.Decide(
            Demand, At(0, Serving(1, 47, received: 1), Serving(2, 47, received: 1), Serving(3, 47, received: 1)), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.DemandTolerance, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
    }

    [Fact]
    public void JustOutsideTheToleranceTheShrinkGoesAhead()
    {
        var verdict = Autoscaler.Decide(
            Demand, At(0, Serving(1, 50, received: 1), Serving(2, 50, received: 1), Serving(3, 50, received: 1)), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.DemandShrink, verdict.Rule);
        Assert.Equal(1, verdict.TargetSize);
    }

    [Fact]
    public void AShrinkWaitsWhileAHigherSizeWasDesiredWithinTheWindow()
    {
        var memory = ScalerMemory.Empty with { RecentDesired = [3] };

        var verdict = Autoscaler.Decide(Demand, At(0, Serving(1, 5, received: 1), Serving(2, 5, received: 1), Serving(3, 5, received: 1)), memory);

        Assert.Equal(ScalingRules.DemandStabilizing, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Equal([3, 1], verdict.Next.RecentDesired);
    }

    [Fact]
    public void AShrinkGoesOnlyToTheHighestSizeDesiredWithinTheWindow()
    {
        var memory = ScalerMemory.Empty with { RecentDesired = [8, 2] };
        var workers = Enumerable.Range(1, 4).Select(i => Serving(i, 5, received: 0.25)).ToArray();

        var verdict = Autoscaler.Decide(Demand, At(0, workers), memory);

        Assert.Equal(ScalingRules.DemandShrink, verdict.Rule);
        Assert.Equal(ScalingAction.Shrink, verdict.Action);
        Assert.Equal(2, verdict.TargetSize);
        Assert.Equal(2, verdict.Count);
        Assert.Equal([2, 1], verdict.Next.RecentDesired);
    }

    [Fact]
    public void DemandModeDoesNotWaitOnTheCooldownAfterARemoval()
    {
        var memory = ScalerMemory.Empty with { CooldownTicksLeft = 1 };

        var verdict = Autoscaler.Decide(Demand, At(0, Serving(1, 100, received: 20)), memory);

        Assert.Equal(ScalingRules.DemandGrow, verdict.Rule);
        Assert.Equal(4, verdict.TargetSize);
        Assert.Equal(0, verdict.Next.CooldownTicksLeft);
    }

    [Fact]
    public void ARemovalInDemandModeStillStartsTheCooldownCounter()
    {
        var verdict = Autoscaler.Decide(Demand, At(0, Serving(1, 5, received: 0.5), Serving(2, 5, received: 0.5)), ScalerMemory.Empty);

        Assert.Equal(ScalingAction.Shrink, verdict.Action);
        Assert.Equal(Demand.CooldownTicks, verdict.Next.CooldownTicksLeft);
    }

    [Fact]
    public void ABootingWorkerDoesNotAddToTheArrivalRate()
    {
        var verdict = Autoscaler.Decide(
            Demand, At(0, Serving(1, 40, received: 5), new WorkerObservation("b", false, null, 99, 99)), ScalerMemory.Empty);

        Assert.Equal(5, verdict.ArrivalRate);
        Assert.Empty(verdict.Next.CapacitySamples);
    }
}
