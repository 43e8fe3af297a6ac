namespace FaceMask.Grains.Scaling;

/// <summary>The capacity estimate after a tick: the samples kept, the learned μ̂ (null before any) and how many samples are new.</summary>
internal sealed record CapacityEstimate(IReadOnlyList<CapacitySample> Samples, double? Estimate, int NewSamples);

/// <summary>
/// Learns μ̂, one worker's capacity in requests/s at 100 % CPU, online: each serving worker whose 2-minute CPU is
/// between 10 % and 90 % gives its completed rate over the same 2 minutes ÷ (CPU / 100). Completed, not received:
/// a window that straddles a load step has received more than the CPU paid for. Below 10 % the CPU is mostly idle
/// overhead, above 90 % the worker may be saturated and queueing, so both ends are left out. μ̂ is the median of
/// the samples of the capacity window (the last 10 minutes by default) (robust to a noisy worker); without new samples the last estimate stays.
/// </summary>
public static class CapacityEstimator
{
    public const double MinCpuPercent = 10;
    public const double MaxCpuPercent = 90;

    /// <summary>Bounds the persisted memory whatever the fleet size (64 workers × 10 ticks fit).</summary>
    public const int SampleLimit = 1000;

    /// <summary>The default retention of samples; each tick's observations say the one in force.</summary>
    public static TimeSpan DefaultWindow { get; } = TimeSpan.FromMinutes(10);

    /// <summary>The capacity sample a worker gives at a tick, or null when it gives none.</summary>
    public static double? Sample(WorkerObservation worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (!worker.Serving || worker.CpuPercent is not { } cpu || worker.CompletedPerSecond is not { } completed
            || cpu < MinCpuPercent || cpu > MaxCpuPercent || !double.IsFinite(completed) || completed <= 0)
        {
            return null;
        }

        return completed / (cpu / 100);
    }

    internal static CapacityEstimate Update(ScalerObservations observations, ScalerMemory state)
    {
        var fresh = observations.Workers
            .Select(Sample)
            .OfType<double>()
            .Select(s => new CapacitySample(observations.At, s))
            .ToList();
        if (observations.CapacityWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException("The capacity window must be positive.", nameof(observations));
        }

        var cutoff = observations.At - observations.CapacityWindow;
        var kept = state.CapacitySamples
            .Where(s => s.At > cutoff)
            .Concat(fresh)
            .TakeLast(SampleLimit)
            .ToList();
        var estimate = fresh.Count > 0 ? Median(kept.Select(s => s.RequestsPerSecond)) : state.CapacityEstimate;
        return new CapacityEstimate(kept, estimate, fresh.Count);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("The median of no values is undefined.", nameof(values));
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
