using FaceMask.Grains.Scaling;
using static FaceMask.Tests.Scaling.Observe;

namespace FaceMask.Tests.Scaling;

public sealed class OriginalRuleTests
{
    [Fact]
    public void TwoWorkersBetweenTheThresholdsDoNothingAsInTheOriginalLog()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(25.0, 25.875), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.AllBetween, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Equal((0, 2, 0), (verdict.BelowShrink, verdict.Between, verdict.AboveGrow));
        Assert.Equal(2, verdict.TargetSize);
    }

    [Fact]
    public void OneIdleWorkerAtTheMinimumIsNotRemovedAsInTheOriginalLog()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(0.339), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.ShrinkAtMin, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Equal(0, verdict.Count);
        Assert.Equal(1, verdict.TargetSize);
        Assert.Contains("minimum 1", verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("0.3 %", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoWorkersAboveTheGrowThresholdGrowByTwoAsInTheOriginalLog()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(70, 80), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.MeanAboveGrow, verdict.Rule);
        Assert.Equal(ScalingAction.Grow, verdict.Action);
        Assert.Equal(2, verdict.Count);
        Assert.Equal(4, verdict.TargetSize);
        Assert.Equal(75, verdict.MeanCpu);
        Assert.Equal(5, verdict.StdDevCpu);
        Assert.Contains("ceil(2 × (2 − 1)) = 2", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyFleetGrowsToTheMinimum()
    {
        var verdict = Autoscaler.Decide(Original with { MinWorkers = 2 }, Cpus(), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.BelowMin, verdict.Rule);
        Assert.Equal(ScalingAction.Grow, verdict.Action);
        Assert.Equal(2, verdict.Count);
        Assert.Null(verdict.MeanCpu);
    }

    [Fact]
    public void ABootingWorkerWithoutAMetricCountsAsZeroAndBlocksTheDecision()
    {
        var verdict = Autoscaler.Decide(Original, At(0, Serving(1, 90), Booting(2)), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.ZeroCpuWait, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Equal((1, 0, 1), (verdict.BelowShrink, verdict.Between, verdict.AboveGrow));
        Assert.Equal(45, verdict.MeanCpu);
    }

    [Fact]
    public void AServingWorkerAtExactlyZeroBlocksTheDecision()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(0, 80, 80), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.ZeroCpuWait, verdict.Rule);
    }

    [Fact]
    public void ASingleWorkerAboveTheGrowThresholdGrowsByCeilOfTheRatio()
    {
        var verdict = Autoscaler.Decide(Original with { GrowRatio = 1.5 }, Cpus(66), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.SingleAboveGrow, verdict.Rule);
        Assert.Equal(ScalingAction.Grow, verdict.Action);
        Assert.Equal(1, verdict.Count);
        Assert.Equal(2, verdict.TargetSize);
    }

    [Fact]
    public void ASingleWorkerBelowTheShrinkThresholdIsKeptBecauseTheMinimumIsAtLeastOne()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(10), ScalerMemory.Empty);
        var zeroRatio = Autoscaler.Decide(Original with { ShrinkRatio = 0 }, Cpus(10), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.ShrinkAtMin, verdict.Rule);
        Assert.Contains("The only worker is at 10.0 %, below 25 %", verdict.Reason, StringComparison.Ordinal);
        Assert.Equal(ScalingRules.ShrinkByZero, zeroRatio.Rule);
        Assert.Equal(ScalingAction.None, zeroRatio.Action);
    }

    [Fact]
    public void MeanCpuBelowTheShrinkThresholdShrinksByCeilOfTheRatioAndStartsTheCooldown()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(5, 30, 10, 10, 10), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.MeanBelowShrink, verdict.Rule);
        Assert.Equal(ScalingAction.Shrink, verdict.Action);
        Assert.Equal(1, verdict.Count);
        Assert.Equal(4, verdict.TargetSize);
        Assert.Equal(Original.CooldownTicks, verdict.Next.CooldownTicksLeft);
        Assert.Contains("ceil(5 × 0.1) = 1", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTickAfterARemovalIsSkippedThenDecisionsResume()
    {
        var removed = Autoscaler.Decide(Original, Cpus(10, 10, 10), ScalerMemory.Empty);
        var skipped = Autoscaler.Decide(Original, Cpus(10, 10), removed.Next);
        var resumed = Autoscaler.Decide(Original, Cpus(10, 10), skipped.Next);

        Assert.Equal(ScalingAction.Shrink, removed.Action);
        Assert.Equal(ScalingRules.Cooldown, skipped.Rule);
        Assert.Equal(ScalingAction.None, skipped.Action);
        Assert.Equal(0, skipped.Next.CooldownTicksLeft);
        Assert.Equal(ScalingRules.MeanBelowShrink, resumed.Rule);
        Assert.Equal(ScalingAction.Shrink, resumed.Action);
    }

    [Fact]
    public void ALongerCooldownSkipsThatManyTicks()
    {
        var policy = Original with { CooldownTicks = 3 };
        var memory = Autoscaler.Decide(policy, Cpus(10, 10, 10), ScalerMemory.Empty).Next;
        var rules = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var verdict = Autoscaler.Decide(policy, Cpus(10, 10), memory);
            rules.Add(verdict.Rule);
            memory = verdict.Next;
        }

        Assert.Equal([ScalingRules.Cooldown, ScalingRules.Cooldown, ScalingRules.Cooldown, ScalingRules.MeanBelowShrink], rules);
    }

    [Fact]
    public void AGrowDoesNotStartACooldown()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(90, 90), ScalerMemory.Empty);

        Assert.Equal(0, verdict.Next.CooldownTicksLeft);
    }

    [Fact]
    public void AnUnevenLoadWithAMeanBetweenTheThresholdsWaits()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(20, 60), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.SpreadWait, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Equal(20, verdict.StdDevCpu);
    }

    [Fact]
    public void AnEvenLoadWithMostWorkersAboveGrows()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(66, 66, 60), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.MajorityAboveGrow, verdict.Rule);
        Assert.Equal(ScalingAction.Grow, verdict.Action);
        Assert.Equal(3, verdict.Count);
        Assert.Equal(6, verdict.TargetSize);
    }

    [Fact]
    public void AnEvenLoadWithMostWorkersBelowShrinks()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(24, 24, 30), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.MajorityBelowShrink, verdict.Rule);
        Assert.Equal(ScalingAction.Shrink, verdict.Action);
        Assert.Equal(2, verdict.TargetSize);
    }

    [Fact]
    public void AnEvenLoadWithMostWorkersBetweenDoesNothing()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(63, 64, 66), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.MajorityBetween, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
    }

    [Fact]
    public void NoZoneHoldingMostWorkersDoesNothing()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(63, 67), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.MajorityTie, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Equal((0, 1, 1), (verdict.BelowShrink, verdict.Between, verdict.AboveGrow));
    }

    [Fact]
    public void AGrowIsClampedToTheMaximum()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(90, 90, 90, 90, 90, 90), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.MeanAboveGrow, verdict.Rule);
        Assert.Equal(2, verdict.Count);
        Assert.Equal(8, verdict.TargetSize);
        Assert.Contains("clamped from 12", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AGrowAtTheMaximumIsRefused()
    {
        var verdict = Autoscaler.Decide(Original, Cpus(90, 90, 90, 90, 90, 90, 90, 90), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.GrowAtMax, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Equal(8, verdict.TargetSize);
    }

    [Fact]
    public void AShrinkIsClampedToTheMinimum()
    {
        var verdict = Autoscaler.Decide(Original with { ShrinkRatio = 0.9 }, Cpus(5, 5, 5), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.MeanBelowShrink, verdict.Rule);
        Assert.Equal(2, verdict.Count);
        Assert.Equal(1, verdict.TargetSize);
        Assert.Contains("clamped from 0", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AShrinkRatioOfZeroRemovesNothing()
    {
        var verdict = Autoscaler.Decide(Original with { ShrinkRatio = 0 }, Cpus(5, 5), ScalerMemory.Empty);

        Assert.Equal(ScalingRules.ShrinkByZero, verdict.Rule);
        Assert.Equal(ScalingAction.None, verdict.Action);
        Assert.Equal(0, verdict.Next.CooldownTicksLeft);
    }

    [Fact]
    public void ARatioThatIsExactInDecimalIsNotRoundedUpByFloatingPoint()
    {
        // 10 × 0.1 is 1.0000000000000002 in binary floating point; the original removes exactly one worker.
        var verdict = Autoscaler.Decide(Original with { MaxWorkers = 10 }, Cpus(5, 5, 5, 5, 5, 5, 5, 5, 5, 5), ScalerMemory.Empty);

        Assert.Equal(1, verdict.Count);
    }

    [Fact]
    public void AnInvalidPolicyIsRefusedWithItsMessages()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            Autoscaler.Decide(Original with { GrowCpuPercent = 20 }, Cpus(50), ScalerMemory.Empty));

        Assert.Contains("greater than the CPU shrink threshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OriginalModeStillLearnsTheArrivalRateAndCapacityForTheLog()
    {
        var verdict = Autoscaler.Decide(Original, At(0, Serving(1, 40, received: 5.2, completed: 5.2)), ScalerMemory.Empty);

        Assert.Equal(5.2, verdict.ArrivalRate);
        Assert.Equal(13, verdict.CapacityEstimate!.Value, 9);
        Assert.Single(verdict.Next.CapacitySamples);
    }
}
