namespace FaceMask.Grains.Scaling;

[GenerateSerializer, Alias("facemask.ScalingAction")]
public enum ScalingAction
{
    None = 0,
    Grow = 1,
    Shrink = 2,
}

/// <summary>
/// What the scaler saw of one worker at a tick. <see cref="Serving"/> is false for a booting worker
/// (Pending/Starting): it counts as capacity but gives no CPU sample. Rates are per second; null = no metric.
/// </summary>
[GenerateSerializer, Immutable, Alias("facemask.WorkerObservation")]
public sealed record WorkerObservation(
    [property: Id(0)] string WorkerId,
    [property: Id(1)] bool Serving,
    [property: Id(2)] double? CpuPercent,
    [property: Id(3)] double? ReceivedPerSecond,
    [property: Id(4)] double? CompletedPerSecond);

/// <summary>
/// One tick of the scaler, as logged: its inputs (policy, workers), what it derived (zone counts, mean and
/// standard deviation of CPU, arrival rate λ̂, capacity estimate μ̂), the rule that fired, the action and its
/// count, the reason in words, and the fleet size before and after. <see cref="ApplyError"/> is set when the
/// fleet refused or the call failed (the tick is retried next time).
/// </summary>
[GenerateSerializer, Immutable, Alias("facemask.ScalingDecision")]
public sealed record ScalingDecision(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] ScalingMode Mode,
    [property: Id(3)] ScalingPolicy Policy,
    [property: Id(4)] IReadOnlyList<WorkerObservation> Workers,
    [property: Id(5)] int BelowShrink,
    [property: Id(6)] int Between,
    [property: Id(7)] int AboveGrow,
    [property: Id(8)] double? MeanCpu,
    [property: Id(9)] double? StdDevCpu,
    [property: Id(10)] double? ArrivalRate,
    [property: Id(11)] double? CapacityEstimate,
    [property: Id(12)] string Rule,
    [property: Id(13)] ScalingAction Action,
    [property: Id(14)] int Count,
    [property: Id(15)] string Reason,
    [property: Id(16)] int CurrentSize,
    [property: Id(17)] int TargetSize,
    [property: Id(18)] string? ApplyError);

/// <summary>A page of the decision log, newest first.</summary>
[GenerateSerializer, Immutable, Alias("facemask.DecisionPage")]
public sealed record DecisionPage(
    [property: Id(0)] int Total,
    [property: Id(1)] IReadOnlyList<ScalingDecision> Items);

/// <summary>The scaler as the manager shows it.</summary>
[GenerateSerializer, Immutable, Alias("facemask.ScalerStatus")]
public sealed record ScalerStatus(
    [property: Id(0)] bool Enabled,
    [property: Id(1)] TimeSpan Period,
    [property: Id(2)] DateTimeOffset? LastTickAt,
    [property: Id(3)] double? CapacityEstimate,
    [property: Id(4)] int CooldownTicksLeft,
    [property: Id(5)] int DecisionCount);
