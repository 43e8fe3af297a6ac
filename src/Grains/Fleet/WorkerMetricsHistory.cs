namespace FaceMask.Grains.Fleet;

/// <summary>
/// One worker's metrics, bounded: the raw samples of the last 10 minutes and per-minute aggregates of the
/// last 60 in a fixed ring of slots. Samples are placed by the time they arrive on the caller's clock, so a
/// worker whose clock is off cannot misplace them. A minute without samples stays a gap (null), never a 0.
/// </summary>
public sealed class WorkerMetricsHistory
{
    public static readonly TimeSpan RawRetention = TimeSpan.FromMinutes(10);

    /// <summary>Workers report every few seconds; one sample a second for 10 minutes is far above that.</summary>
    public const int MaxRawSamples = 600;

    private readonly Queue<Arrival> _raw = new();
    private readonly MinuteAggregate?[] _minutes = new MinuteAggregate?[SeriesMinutes.Retention];
    private Arrival? _latest;

    public int RawCount => _raw.Count;

    public int MinuteCount => _minutes.Count(m => m is not null);

    public void Add(WorkerSample sample, DateTimeOffset receivedAt)
    {
        Validate(sample);
        var arrival = new Arrival(receivedAt, sample);
        _latest = arrival;
        _raw.Enqueue(arrival);
        TrimRaw(receivedAt);

        var minute = SeriesMinutes.Floor(receivedAt);
        var slot = Slot(minute);
        if (_minutes[slot] is not { } aggregate || aggregate.Minute != minute)
        {
            aggregate = new MinuteAggregate(minute);
            _minutes[slot] = aggregate;
        }

        aggregate.Add(sample);
    }

    /// <summary>The latest sample if it arrived within the raw retention, else null.</summary>
    public WorkerSample? Latest(DateTimeOffset now) =>
        _latest is { } latest && now - latest.At < RawRetention ? latest.Sample : null;

    /// <summary>
    /// CPU % over the window ending now, weighted by each sample's interval; null without a sample in it.
    /// Windows longer than the raw retention are answered from the minute aggregates.
    /// </summary>
    public double? AverageCpu(DateTimeOffset now, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        var from = now - window;
        double weighted = 0, seconds = 0;
        if (window <= RawRetention)
        {
            foreach (var arrival in _raw)
            {
                if (arrival.At > from && arrival.At <= now)
                {
                    weighted += arrival.Sample.CpuPercent * arrival.Sample.IntervalSeconds;
                    seconds += arrival.Sample.IntervalSeconds;
                }
            }
        }
        else
        {
            foreach (var aggregate in _minutes)
            {
                if (aggregate is not null && aggregate.Minute.AddMinutes(1) > from && aggregate.Minute <= now)
                {
                    weighted += aggregate.CpuSeconds;
                    seconds += aggregate.Seconds;
                }
            }
        }

        return seconds > 0 ? weighted / seconds : null;
    }

    /// <summary>CPU and request rates over a window of at most the raw retention, from the raw samples in it.</summary>
    public WorkerWindow Window(DateTimeOffset now, TimeSpan window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, RawRetention);
        var from = now - window;
        double cpuSeconds = 0, seconds = 0;
        long received = 0, completed = 0;
        foreach (var arrival in _raw)
        {
            if (arrival.At > from && arrival.At <= now)
            {
                cpuSeconds += arrival.Sample.CpuPercent * arrival.Sample.IntervalSeconds;
                seconds += arrival.Sample.IntervalSeconds;
                received += arrival.Sample.RequestsReceived;
                completed += arrival.Sample.RequestsCompleted;
            }
        }

        return seconds > 0
            ? new WorkerWindow(cpuSeconds / seconds, received / seconds, completed / seconds, seconds)
            : new WorkerWindow(null, 0, 0, 0);
    }

    public WorkerSeries Series(DateTimeOffset now, int minutes)
    {
        var range = SeriesMinutes.Ending(now, minutes);
        var aggregates = range.Select(Find).ToList();
        List<SeriesPoint> Points(Func<MinuteAggregate, double> value) =>
            range.Select((m, i) => new SeriesPoint(m, aggregates[i] is { } a ? value(a) : null)).ToList();

        return new WorkerSeries(
            CpuPercent: Points(a => a.CpuSeconds / a.Seconds),
            RequestsPerMinute: Points(a => a.Received),
            BytesInPerMinute: Points(a => a.BytesIn),
            BytesOutPerMinute: Points(a => a.BytesOut),
            RequestsCompletedPerMinute: Points(a => a.Completed),
            MemoryBytes: Points(a => a.MemoryBytes));
    }

    private MinuteAggregate? Find(DateTimeOffset minute) =>
        _minutes[Slot(minute)] is { } aggregate && aggregate.Minute == minute ? aggregate : null;

    private static int Slot(DateTimeOffset minute) =>
        (int)((minute.UtcTicks / TimeSpan.TicksPerMinute) % SeriesMinutes.Retention);

    private void TrimRaw(DateTimeOffset now)
    {
        while (_raw.Count > 0 && (_raw.Count > MaxRawSamples || now - _raw.Peek().At >= RawRetention))
        {
            _raw.Dequeue();
        }
    }

    private static void Validate(WorkerSample sample)
    {
        if (!double.IsFinite(sample.CpuPercent) || sample.CpuPercent < 0)
        {
            throw new ArgumentException($"CPU % must be a finite number ≥ 0, not {sample.CpuPercent}.", nameof(sample));
        }

        if (!double.IsFinite(sample.IntervalSeconds) || sample.IntervalSeconds <= 0)
        {
            throw new ArgumentException($"The interval must be positive, not {sample.IntervalSeconds} s.", nameof(sample));
        }

        if (sample.RequestsReceived < 0 || sample.RequestsCompleted < 0 || sample.BytesIn < 0 || sample.BytesOut < 0 || sample.MemoryBytes < 0)
        {
            throw new ArgumentException("Counts cannot be negative.", nameof(sample));
        }
    }

    private sealed record Arrival(DateTimeOffset At, WorkerSample Sample);

    private sealed class MinuteAggregate(DateTimeOffset minute)
    {
        public DateTimeOffset Minute { get; } = minute;

        public double CpuSeconds { get; private set; }

        public double Seconds { get; private set; }

        public long Received { get; private set; }

        public long Completed { get; private set; }

        public long BytesIn { get; private set; }

        public long BytesOut { get; private set; }

        public long MemoryBytes { get; private set; }

        public void Add(WorkerSample sample)
        {
            CpuSeconds += sample.CpuPercent * sample.IntervalSeconds;
            Seconds += sample.IntervalSeconds;
            Received += sample.RequestsReceived;
            Completed += sample.RequestsCompleted;
            BytesIn += sample.BytesIn;
            BytesOut += sample.BytesOut;
            MemoryBytes = sample.MemoryBytes;
        }
    }
}
