namespace FaceMask.Grains.Fleet;

/// <summary>
/// The worker set (key "default"), persisted. It provisions and terminates workers through the
/// configured provisioner without ever waiting for a machine inside a call: additions return Pending
/// workers at once and a timer drives them forward. It reconciles with cluster membership, replaces
/// dead workers within bounds, and keeps the fleet's per-minute series.
/// </summary>
[Alias("facemask.IFleetGrain")]
public interface IFleetGrain : IGrainWithStringKey
{
    /// <summary>All workers, or those in one state; newest first.</summary>
    [Alias("ListAsync")]
    Task<IReadOnlyList<WorkerInfo>> ListAsync(WorkerState? state);

    /// <summary>Adds up to <paramref name="count"/> Pending workers, never past the maximum.</summary>
    [Alias("AddAsync")]
    Task<FleetChange> AddAsync(int count);

    /// <summary>Drains and then stops one worker; refused for a protected worker or below the minimum.</summary>
    [Alias("RemoveWorkerAsync")]
    Task<FleetChange> RemoveWorkerAsync(string workerId);

    /// <summary>Drains up to <paramref name="count"/> workers, least loaded and newest first, never a protected one.</summary>
    [Alias("RemoveAsync")]
    Task<FleetChange> RemoveAsync(int count);

    [Alias("SetScaleInProtectionAsync")]
    Task<WorkerInfo?> SetScaleInProtectionAsync(string workerId, bool isProtected);

    /// <summary>Stops every worker (the operator's "stop everything").</summary>
    [Alias("StopAllAsync")]
    Task StopAllAsync();

    /// <summary>
    /// Sets the fleet's bounds (the scaling policy's min/max; persisted, in place of the configured defaults). A
    /// running fleet below the minimum gets workers at once; workers over the maximum are drained, least loaded and
    /// newest first, never a protected one. Throws <see cref="ArgumentOutOfRangeException"/> unless
    /// 0 ≤ min ≤ max, 1 ≤ max ≤ 64.
    /// </summary>
    [Alias("SetBoundsAsync")]
    Task<FleetChange> SetBoundsAsync(int min, int max);

    /// <summary>Adds workers until the minimum is met.</summary>
    [Alias("EnsureMinimumAsync")]
    Task<FleetChange> EnsureMinimumAsync();

    /// <summary>The last <paramref name="minutes"/> minutes (1–60, clamped), one point each, gaps as null.</summary>
    [Alias("SeriesAsync")]
    Task<FleetSeries> SeriesAsync(int minutes);
}

/// <summary>
/// One worker's metrics (key = worker id): bounded per-minute aggregates for 60 minutes plus 10 minutes of
/// raw samples.
/// </summary>
[Alias("facemask.IWorkerGrain")]
public interface IWorkerGrain : IGrainWithStringKey
{
    [Alias("ReportAsync")]
    Task ReportAsync(WorkerSample sample);

    /// <summary>Average CPU % over the last <paramref name="window"/>; null when there is no sample in it.</summary>
    [Alias("AverageCpuAsync")]
    Task<double?> AverageCpuAsync(TimeSpan window);

    /// <summary>The most recent sample of the last 10 minutes, or null.</summary>
    /// <summary>
    /// CPU % (null without a sample), requests received and completed per second over the last
    /// <paramref name="window"/> (at most 10 minutes), from the samples that arrived in it.
    /// </summary>
    [Alias("WindowAsync")]
    Task<WorkerWindow> WindowAsync(TimeSpan window);

    [Alias("LatestAsync")]
    Task<WorkerSample?> LatestAsync();

    /// <summary>The last <paramref name="minutes"/> minutes (1–60, clamped) ending with the current one, gaps as null.</summary>
    [Alias("SeriesAsync")]
    Task<WorkerSeries> SeriesAsync(int minutes);
}
