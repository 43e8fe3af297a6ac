namespace FaceMask.Grains.Fleet;

/// <summary>Where a worker is in its life. Pending → Starting → Running → Draining → Terminated, or Failed.</summary>
[GenerateSerializer, Alias("facemask.WorkerState")]
public enum WorkerState
{
    Pending = 0,
    Starting = 1,
    Running = 2,
    Draining = 3,
    Terminated = 4,
    Failed = 5,
}

/// <summary>One worker of the fleet as the operator sees it.</summary>
[GenerateSerializer, Immutable, Alias("facemask.WorkerInfo")]
public sealed record WorkerInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] WorkerState State,
    [property: Id(3)] string? InstanceId,
    [property: Id(4)] string? Address,
    [property: Id(5)] int SiloPort,
    [property: Id(6)] int GatewayPort,
    [property: Id(7)] DateTimeOffset LaunchedAt,
    [property: Id(8)] DateTimeOffset? RunningSince,
    [property: Id(9)] bool ScaleInProtected,
    [property: Id(10)] bool CpuQuotaActive,
    [property: Id(11)] string? Detail);

/// <summary>What a worker's silo reports every few seconds. Counts are since the previous sample.</summary>
[GenerateSerializer, Immutable, Alias("facemask.WorkerSample")]
public sealed record WorkerSample(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] double IntervalSeconds,
    [property: Id(2)] double CpuPercent,
    [property: Id(3)] long RequestsReceived,
    [property: Id(4)] long RequestsCompleted,
    [property: Id(5)] long BytesIn,
    [property: Id(6)] long BytesOut,
    [property: Id(7)] long MemoryBytes);

/// <summary>
/// A worker over a recent window: average CPU % (null when no sample arrived in it), and requests received and
/// completed per second over the seconds its samples cover (<see cref="CoveredSeconds"/>; rates are 0 when 0).
/// </summary>
[GenerateSerializer, Immutable, Alias("facemask.WorkerWindow")]
public sealed record WorkerWindow(
    [property: Id(0)] double? CpuPercent,
    [property: Id(1)] double ReceivedPerSecond,
    [property: Id(2)] double CompletedPerSecond,
    [property: Id(3)] double CoveredSeconds);

/// <summary>One minute of a series; <see cref="Value"/> is null when that minute has no data (a gap, never a 0).</summary>
[GenerateSerializer, Immutable, Alias("facemask.SeriesPoint")]
public sealed record SeriesPoint(
    [property: Id(0)] DateTimeOffset Minute,
    [property: Id(1)] double? Value);

/// <summary>
/// A worker's per-minute series, oldest first, one point per minute. <see cref="RequestsPerMinute"/> counts
/// arrivals (the demand); <see cref="RequestsCompletedPerMinute"/> counts finished detections;
/// <see cref="MemoryBytes"/> is the last memory reading of each minute. The current minute is partial.
/// </summary>
[GenerateSerializer, Immutable, Alias("facemask.WorkerSeries")]
public sealed record WorkerSeries(
    [property: Id(0)] IReadOnlyList<SeriesPoint> CpuPercent,
    [property: Id(1)] IReadOnlyList<SeriesPoint> RequestsPerMinute,
    [property: Id(2)] IReadOnlyList<SeriesPoint> BytesInPerMinute,
    [property: Id(3)] IReadOnlyList<SeriesPoint> BytesOutPerMinute,
    [property: Id(4)] IReadOnlyList<SeriesPoint>? RequestsCompletedPerMinute = null,
    [property: Id(5)] IReadOnlyList<SeriesPoint>? MemoryBytes = null);

/// <summary>The fleet's per-minute series: Running workers and their average CPU, oldest first.</summary>
[GenerateSerializer, Immutable, Alias("facemask.FleetSeries")]
public sealed record FleetSeries(
    [property: Id(0)] IReadOnlyList<SeriesPoint> RunningWorkers,
    [property: Id(1)] IReadOnlyList<SeriesPoint> AverageCpuPercent);

/// <summary>The answer to an add or remove: what changed, and why not all of what was asked.</summary>
[GenerateSerializer, Immutable, Alias("facemask.FleetChange")]
public sealed record FleetChange(
    [property: Id(0)] IReadOnlyList<WorkerInfo> Workers,
    [property: Id(1)] string? Refusal);
