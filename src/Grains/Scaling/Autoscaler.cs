namespace FaceMask.Grains.Scaling;

/// <summary>
/// What the scaler observed at one tick: every Pending/Starting (booting) and Running (serving) worker, and how long
/// Demand mode keeps capacity samples (10 minutes unless a time-compressed run shortens it with the tick period).
/// </summary>
public sealed record ScalerObservations(DateTimeOffset At, IReadOnlyList<WorkerObservation> Workers)
{
    public TimeSpan CapacityWindow { get; init; } = CapacityEstimator.DefaultWindow;
}

/// <summary>One μ estimate: a serving worker's completed rate ÷ its CPU fraction, at a tick.</summary>
[GenerateSerializer, Immutable, Alias("facemask.CapacitySample")]
public sealed record CapacitySample(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double RequestsPerSecond);

/// <summary>
/// What the scaler carries from tick to tick (persisted by ScalerGrain): the cooldown after a removal, Demand
/// mode's capacity samples (those of the capacity window, 10 minutes by default) and estimate, and its recent desired sizes (stabilization window).
/// </summary>
[GenerateSerializer, Immutable, Alias("facemask.ScalerMemory")]
public sealed record ScalerMemory
{
    public static ScalerMemory Empty { get; } = new();

    [Id(0)]
    public int CooldownTicksLeft { get; init; }

    [Id(1)]
    public IReadOnlyList<CapacitySample> CapacitySamples { get; init; } = [];

    [Id(2)]
    public double? CapacityEstimate { get; init; }

    /// <summary>Demand mode's desired size at each recent tick, oldest first.</summary>
    [Id(3)]
    public IReadOnlyList<int> RecentDesired { get; init; } = [];
}

/// <summary>A decision before it is applied and logged: the derived figures, the rule, the action and the next memory.</summary>
public sealed record ScalerVerdict(
    int BelowShrink,
    int Between,
    int AboveGrow,
    double? MeanCpu,
    double? StdDevCpu,
    double? ArrivalRate,
    double? CapacityEstimate,
    string Rule,
    ScalingAction Action,
    int Count,
    string Reason,
    int CurrentSize,
    int TargetSize,
    ScalerMemory Next);

/// <summary>The rule that fired at a tick, as logged (one per branch of either mode).</summary>
public static class ScalingRules
{
    // Both modes.
    public const string BelowMin = "below-min";

    // Original mode (DESIGN.md §7).
    public const string Cooldown = "cooldown";
    public const string AllBetween = "all-between";
    public const string ZeroCpuWait = "zero-cpu-wait";
    public const string MeanAboveGrow = "mean-above-grow";
    public const string MeanBelowShrink = "mean-below-shrink";
    public const string SpreadWait = "spread-wait";
    public const string MajorityAboveGrow = "majority-above-grow";
    public const string MajorityBelowShrink = "majority-below-shrink";
    public const string MajorityBetween = "majority-between";
    public const string MajorityTie = "majority-tie";
    public const string SingleAboveGrow = "single-above-grow";

    /// <summary>Never logged in practice: one worker below the threshold is always at the minimum (≥ 1), see <see cref="ShrinkAtMin"/>.</summary>
    public const string SingleBelowShrink = "single-below-shrink";
    public const string GrowAtMax = "grow-at-max";
    public const string ShrinkAtMin = "shrink-at-min";
    public const string ShrinkByZero = "shrink-by-zero";

    // Demand mode.
    public const string DemandGrow = "demand-grow";
    public const string DemandSteady = "demand-steady";
    public const string DemandMissingMetric = "demand-missing-metric";
    public const string DemandTolerance = "demand-tolerance";
    public const string DemandStabilizing = "demand-stabilizing";
    public const string DemandShrink = "demand-shrink";
}

/// <summary>
/// The scaler's decision as a pure function: no clock, no I/O, no randomness.
/// <para>
/// Both modes keep Demand mode's estimator running (arrival rate λ̂, capacity samples and μ̂, the recent desired
/// sizes), so the log shows them and a switch to Demand mode starts warm. The cooldown counter runs in both modes
/// too, but only Original mode waits on it: Demand mode sizes from the arrival rate, which does not depend on how
/// many workers serve it, so the first tick after a removal sees the same λ̂ and gains nothing from waiting; its
/// damping is the stabilization window (shrink only to the highest desired size of the last W ticks) and the
/// CPU tolerance, and a grow must never be delayed by an earlier removal.
/// </para>
/// </summary>
public static class Autoscaler
{
    public static ScalerVerdict Decide(ScalingPolicy policy, ScalerObservations observations, ScalerMemory state)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(observations);
        ArgumentNullException.ThrowIfNull(state);
        var errors = PolicyRules.Validate(policy);
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid scaling policy: " + string.Join(" ", errors.Select(e => e.Message)), nameof(policy));
        }

        var workers = observations.Workers;
        var current = workers.Count;
        var estimate = CapacityEstimator.Update(observations, state);
        var capacity = estimate.Estimate ?? policy.CapacityPrior;
        var arrival = DemandRule.ArrivalRate(workers);
        var desired = DemandRule.Desired(policy, arrival, capacity);
        var recentDesired = state.RecentDesired.Append(desired).TakeLast(policy.StabilizationTicks).ToList();
        var cooldownLeft = Math.Max(0, state.CooldownTicksLeft - 1);

        // Original mode sees every worker, a missing metric as 0 %; Demand mode only serving workers with a metric.
        var cpus = policy.Mode == ScalingMode.Original
            ? workers.Select(w => w.CpuPercent ?? 0).ToList()
            : workers.Where(w => w.Serving && w.CpuPercent.HasValue).Select(w => w.CpuPercent!.Value).ToList();
        var zones = CpuZones.Count(policy, cpus);
        var mean = cpus.Count > 0 ? cpus.Average() : (double?)null;
        var stdDev = mean is { } m ? Math.Sqrt(cpus.Sum(c => (c - m) * (c - m)) / cpus.Count) : (double?)null;

        RuleOutcome outcome;
        if (current < policy.MinWorkers)
        {
            outcome = new RuleOutcome(ScalingRules.BelowMin, policy.MinWorkers, Text.Of(
                $"{current} worker(s), fewer than the minimum {policy.MinWorkers}: grow to {policy.MinWorkers}."));
        }
        else if (policy.Mode == ScalingMode.Original)
        {
            outcome = OriginalRule.Decide(policy, cpus, zones, state.CooldownTicksLeft);
        }
        else
        {
            outcome = DemandRule.Decide(policy, new DemandInputs(
                workers, cpus, mean, arrival, capacity, estimate.NewSamples, desired, recentDesired.Max()));
        }

        var action = outcome.Target > current ? ScalingAction.Grow
            : outcome.Target < current ? ScalingAction.Shrink
            : ScalingAction.None;
        var next = state with
        {
            CooldownTicksLeft = action == ScalingAction.Shrink ? policy.CooldownTicks : cooldownLeft,
            CapacitySamples = estimate.Samples,
            CapacityEstimate = estimate.Estimate,
            RecentDesired = recentDesired,
        };
        return new ScalerVerdict(
            zones.Below, zones.Between, zones.Above, mean, stdDev, arrival, capacity,
            outcome.Rule, action, Math.Abs(outcome.Target - current), outcome.Reason, current, outcome.Target, next);
    }
}

/// <summary>A rule's answer: its name, the fleet size it wants (the current size for no action) and why.</summary>
internal sealed record RuleOutcome(string Rule, int Target, string Reason);

/// <summary>
/// The three CPU zones of the original: below the shrink threshold, between the thresholds (both ends included,
/// so a worker at exactly 25.0 % with a 25 % threshold is between, as in the original's log), above the grow threshold.
/// </summary>
internal readonly record struct CpuZones(int Below, int Between, int Above)
{
    public static CpuZones Count(ScalingPolicy policy, IReadOnlyCollection<double> cpus) => new(
        cpus.Count(c => c < policy.ShrinkCpuPercent),
        cpus.Count(c => c >= policy.ShrinkCpuPercent && c <= policy.GrowCpuPercent),
        cpus.Count(c => c > policy.GrowCpuPercent));
}

/// <summary>Reasons are read by people: numbers in the invariant culture, whatever the machine's.</summary>
internal static class Text
{
    public static string Of(FormattableString text) => text.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>ceil(x) that does not turn 10 × 0.1 = 1.0000000000000002 into 2.</summary>
    public static int Ceil(double x) => (int)Math.Ceiling(x - 1e-9);
}
