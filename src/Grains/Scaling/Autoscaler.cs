namespace FaceMask.Grains.Scaling;

/// <summary>What the scaler observed at one tick: every Pending/Starting (booting) and Running (serving) worker.</summary>
public sealed record ScalerObservations(DateTimeOffset At, IReadOnlyList<WorkerObservation> Workers);

/// <summary>One μ estimate: a serving worker's completed rate ÷ its CPU fraction, at a tick.</summary>
[GenerateSerializer, Immutable, Alias("facemask.CapacitySample")]
public sealed record CapacitySample(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double RequestsPerSecond);

/// <summary>
/// What the scaler carries from tick to tick (persisted by ScalerGrain): the cooldown after a removal, Demand
/// mode's capacity samples (last 10 minutes) and estimate, and its recent desired sizes (stabilization window).
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

/// <summary>The scaler's decision as a pure function: no clock, no I/O, no randomness.</summary>
public static class Autoscaler
{
    public static ScalerVerdict Decide(ScalingPolicy policy, ScalerObservations observations, ScalerMemory state) =>
        throw new NotImplementedException("Being written (issue 5).");
}
