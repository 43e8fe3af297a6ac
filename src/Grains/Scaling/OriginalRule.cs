namespace FaceMask.Grains.Scaling;

/// <summary>
/// The 2020 project's algorithm (DESIGN.md §7), step by step, over every observed worker (serving and booting);
/// a worker without a CPU metric counts as 0 %, so a booting worker blocks decisions, as it did in the original.
/// </summary>
internal static class OriginalRule
{
    public static RuleOutcome Decide(ScalingPolicy policy, IReadOnlyList<double> cpus, CpuZones zones, int cooldownLeft)
    {
        var n = cpus.Count;
        if (cooldownLeft > 0)
        {
            return Keep(ScalingRules.Cooldown, n, Text.Of(
                $"A removal was made recently: this tick is skipped ({cooldownLeft} tick(s) of cooldown left, this one included)."));
        }

        var counts = Text.Of($"{zones.Below} below {policy.ShrinkCpuPercent} %, {zones.Between} between, {zones.Above} above {policy.GrowCpuPercent} %");
        if (zones.Between == n)
        {
            return Keep(ScalingRules.AllBetween, n, Text.Of($"All {n} worker(s) are between the thresholds ({List(cpus)})."));
        }

        var idle = cpus.Count(c => c <= 0);
        if (idle > 0)
        {
            return Keep(ScalingRules.ZeroCpuWait, n, Text.Of(
                $"{idle} of {n} worker(s) at 0 % CPU (just added, booting or without a metric): wait ({List(cpus)})."));
        }

        if (n == 1)
        {
            var cpu = cpus[0];
            return zones.Above == 1
                ? Grow(policy, n, ScalingRules.SingleAboveGrow, Text.Of($"The only worker is at {cpu:0.0} %, above {policy.GrowCpuPercent} %"))
                : Shrink(policy, n, ScalingRules.SingleBelowShrink, Text.Of($"The only worker is at {cpu:0.0} %, below {policy.ShrinkCpuPercent} %"));
        }

        // With the load spread evenly every worker would sit at the mean.
        var mean = cpus.Average();
        if (mean > policy.GrowCpuPercent)
        {
            return Grow(policy, n, ScalingRules.MeanAboveGrow, Text.Of($"Mean CPU {mean:0.0} % of {n} workers is above {policy.GrowCpuPercent} % ({counts})"));
        }

        if (mean < policy.ShrinkCpuPercent)
        {
            return Shrink(policy, n, ScalingRules.MeanBelowShrink, Text.Of($"Mean CPU {mean:0.0} % of {n} workers is below {policy.ShrinkCpuPercent} % ({counts})"));
        }

        var stdDev = Math.Sqrt(cpus.Sum(c => (c - mean) * (c - mean)) / n);
        if (stdDev > 5)
        {
            return Keep(ScalingRules.SpreadWait, n, Text.Of(
                $"Mean CPU {mean:0.0} % is between the thresholds but the standard deviation {stdDev:0.0} is above 5: wait for the load to even out ({counts})."));
        }

        // The zone holding the most workers decides; when no single zone holds the most, nothing is done.
        var most = Math.Max(zones.Below, Math.Max(zones.Between, zones.Above));
        var holders = (zones.Below == most ? 1 : 0) + (zones.Between == most ? 1 : 0) + (zones.Above == most ? 1 : 0);
        var evenly = Text.Of($"Mean CPU {mean:0.0} %, standard deviation {stdDev:0.0}");
        if (holders > 1)
        {
            return Keep(ScalingRules.MajorityTie, n, Text.Of($"{evenly}: no zone holds most workers ({counts}), nothing to do."));
        }

        if (zones.Above == most)
        {
            return Grow(policy, n, ScalingRules.MajorityAboveGrow, Text.Of($"{evenly}; most workers are above {policy.GrowCpuPercent} % ({counts})"));
        }

        if (zones.Below == most)
        {
            return Shrink(policy, n, ScalingRules.MajorityBelowShrink, Text.Of($"{evenly}; most workers are below {policy.ShrinkCpuPercent} % ({counts})"));
        }

        return Keep(ScalingRules.MajorityBetween, n, Text.Of($"{evenly}; most workers are between the thresholds ({counts}), nothing to do."));
    }

    private static RuleOutcome Grow(ScalingPolicy policy, int n, string rule, string why)
    {
        var by = Text.Ceil(n * (policy.GrowRatio - 1));
        var target = Math.Clamp(n + by, policy.MinWorkers, policy.MaxWorkers);
        if (target <= n)
        {
            return Keep(ScalingRules.GrowAtMax, n, Text.Of($"{why}: grow refused, {n} worker(s) is already at or above the maximum {policy.MaxWorkers}."));
        }

        return new RuleOutcome(rule, target, Text.Of(
            $"{why}: grow by ceil({n} × ({policy.GrowRatio} − 1)) = {by}{Clamped(n + by, target)}, {n} → {target} workers."));
    }

    private static RuleOutcome Shrink(ScalingPolicy policy, int n, string rule, string why)
    {
        var by = Text.Ceil(n * policy.ShrinkRatio);
        if (by == 0)
        {
            return Keep(ScalingRules.ShrinkByZero, n, Text.Of($"{why}: shrink by ceil({n} × {policy.ShrinkRatio}) = 0, nothing to do."));
        }

        var target = Math.Clamp(n - by, policy.MinWorkers, policy.MaxWorkers);
        if (target >= n)
        {
            return Keep(ScalingRules.ShrinkAtMin, n, Text.Of($"{why}: shrink refused, {n} worker(s) is already at the minimum {policy.MinWorkers}."));
        }

        return new RuleOutcome(rule, target, Text.Of(
            $"{why}: shrink by ceil({n} × {policy.ShrinkRatio}) = {by}{Clamped(n - by, target)}, {n} → {target} workers."));
    }

    private static RuleOutcome Keep(string rule, int n, string reason) => new(rule, n, reason);

    private static string Clamped(int wanted, int target) => wanted == target ? "" : Text.Of($" (clamped from {wanted})");

    private static string List(IEnumerable<double> cpus) => string.Join(", ", cpus.Select(c => Text.Of($"{c:0.0} %")));
}
