namespace FaceMask.Grains.Metrics;

/// <summary>Counts of detection work since the last <see cref="DetectionMeter.TakeDelta"/>.</summary>
public readonly record struct DetectionCounts(long Received, long Completed, long BytesIn, long BytesOut);

/// <summary>
/// The silo's detection traffic, lock-free: the detector grain counts arrivals and completions, the metrics
/// reporter takes the deltas every few seconds.
/// </summary>
public sealed class DetectionMeter
{
    private long _received;
    private long _completed;
    private long _bytesIn;
    private long _bytesOut;
    private long _inFlight;

    /// <summary>Requests arrived and not yet finished: what a draining worker waits for.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    public void Arrived(long bytesIn)
    {
        Interlocked.Increment(ref _received);
        Interlocked.Add(ref _bytesIn, bytesIn);
        Interlocked.Increment(ref _inFlight);
    }

    public void Completed(long bytesOut)
    {
        Interlocked.Increment(ref _completed);
        Interlocked.Add(ref _bytesOut, bytesOut);
        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>The counts since the previous call, resetting them. Each counter is exact; across counters, a request in motion may straddle two deltas.</summary>
    public DetectionCounts TakeDelta() => new(
        Interlocked.Exchange(ref _received, 0),
        Interlocked.Exchange(ref _completed, 0),
        Interlocked.Exchange(ref _bytesIn, 0),
        Interlocked.Exchange(ref _bytesOut, 0));

    /// <summary>Puts back counts that could not be reported, so the next report carries them.</summary>
    public void Restore(DetectionCounts counts)
    {
        Interlocked.Add(ref _received, counts.Received);
        Interlocked.Add(ref _completed, counts.Completed);
        Interlocked.Add(ref _bytesIn, counts.BytesIn);
        Interlocked.Add(ref _bytesOut, counts.BytesOut);
    }
}
