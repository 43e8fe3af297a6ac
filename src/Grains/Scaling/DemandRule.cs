namespace FaceMask.Grains.Scaling;

/// <summary>What Demand mode decides from: the workers, the CPU of serving workers with a metric, λ̂, μ̂ and the desired sizes.</summary>
internal sealed record DemandInputs(
    IReadOnlyList<WorkerObservation> Workers,
    IReadOnlyList<double> ServingCpus,
    double? MeanCpu,
    double ArrivalRate,
    double Capacity,
    int NewSamples,
    int Desired,
    int Stabilized);

/// <summary>
/// Demand mode (ours): size the fleet from the arrival rate λ̂ and the learned capacity μ̂ so that every worker runs
/// near the target utilization u* (the midpoint of the thresholds). Grow to the desired size in one step; shrink
/// only to the highest desired size of the last W ticks (Kubernetes HPA's stabilization window), never while a
/// serving worker lacks a metric (AWS target tracking: no scale-in on insufficient data), and not while the mean
/// CPU is within ±10 % of u* (HPA's tolerance). Booting workers count as capacity but give no CPU sample.
/// </summary>
public static class DemandRule
{
    /// <summary>HPA's default tolerance: no scale-in while the mean CPU is within 10 % (relative) of the target.</summary>
    public const double Tolerance = 0.10;

    /// <summary>λ̂: requests received per second over the last minute, summed over the serving workers.</summary>
    public static double ArrivalRate(IEnumerable<WorkerObservation> workers) =>
        workers.Where(w => w.Serving).Sum(w => w.ReceivedPerSecond is { } r && double.IsFinite(r) && r > 0 ? r : 0);

    /// <summary>clamp(ceil(λ̂ / (μ̂ · u*)), min, max).</summary>
    public static int Desired(ScalingPolicy policy, double arrivalRate, double capacity)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var needed = Text.Ceil(arrivalRate / (capacity * policy.TargetUtilization()));
        return Math.Clamp(needed, policy.MinWorkers, policy.MaxWorkers);
    }

    internal static RuleOutcome Decide(ScalingPolicy policy, DemandInputs inputs)
    {
        var n = inputs.Workers.Count;
        var serving = inputs.Workers.Count(w => w.Serving);
        var booting = n - serving;
        var target = policy.TargetUtilization() * 100;
        var sizing = Text.Of(
            $"λ̂ = {inputs.ArrivalRate:0.###} requests/s, μ̂ = {inputs.Capacity:0.###} requests/s per worker at 100 % CPU ({Samples(inputs.NewSamples)}), u* = {target:0.#} %: desired ceil({inputs.ArrivalRate:0.###} / ({inputs.Capacity:0.###} × {target / 100:0.###})) clamped to [{policy.MinWorkers}, {policy.MaxWorkers}] = {inputs.Desired}; {serving} serving + {booting} booting = {n}");

        if (inputs.Desired > n)
        {
            return new RuleOutcome(ScalingRules.DemandGrow, inputs.Desired, Text.Of($"{sizing}: grow {n} → {inputs.Desired} in one step."));
        }

        if (inputs.Desired == n)
        {
            return new RuleOutcome(ScalingRules.DemandSteady, n, Text.Of($"{sizing}: the fleet has the desired size."));
        }

        var silent = inputs.Workers.Count(w => w.Serving && w.CpuPercent is null);
        if (silent > 0 || inputs.ServingCpus.Count == 0)
        {
            var what = silent > 0 ? Text.Of($"{silent} serving worker(s) have no CPU metric") : "no serving worker has a CPU metric yet";
            return new RuleOutcome(ScalingRules.DemandMissingMetric, n, Text.Of($"{sizing}: no shrink while {what}."));
        }

        var mean = inputs.MeanCpu ?? 0;
        if (Math.Abs(mean - target) <= Tolerance * target)
        {
            return new RuleOutcome(ScalingRules.DemandTolerance, n, Text.Of(
                $"{sizing}: mean CPU {mean:0.0} % is within ±{Tolerance:P0} of the target {target:0.#} %, no shrink."));
        }

        var window = policy.StabilizationTicks;
        if (inputs.Stabilized >= n)
        {
            return new RuleOutcome(ScalingRules.DemandStabilizing, n, Text.Of(
                $"{sizing}: the highest desired size of the last {window} tick(s) is {inputs.Stabilized}, no shrink yet."));
        }

        return new RuleOutcome(ScalingRules.DemandShrink, inputs.Stabilized, Text.Of(
            $"{sizing}: shrink {n} → {inputs.Stabilized}, the highest desired size of the last {window} tick(s) (mean CPU {mean:0.0} %)."));
    }

    private static string Samples(int fresh) => fresh switch
    {
        0 => "no new sample",
        1 => "1 new sample",
        _ => Text.Of($"{fresh} new samples"),
    };
}
