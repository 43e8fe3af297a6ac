using System.Diagnostics;
using FaceMask.LoadGen.Stats;

namespace FaceMask.LoadGen.Running;

/// <summary>
/// Collects the records of one run as requests finish, thread-safe, and answers the live figures the
/// progress line and an experiment read while the run goes on.
/// </summary>
public sealed class RunRecorder
{
    private readonly Lock _lock = new();
    private readonly List<RequestRecord> _finished = [];   // in completion order
    private readonly Dictionary<string, int> _errors = new(StringComparer.Ordinal);
    private readonly Stopwatch _clock = new();
    private long _started;

    /// <summary>Called for each record as it is added (an experiment's own bookkeeping); runs on the request's thread.</summary>
    public Action<RequestRecord>? OnRecord { get; init; }

    /// <summary>Time since <see cref="StartClock"/>: every record's offsets are on this clock.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public long Started => Interlocked.Read(ref _started);

    public void StartClock() => _clock.Restart();

    internal void MarkStarted() => Interlocked.Increment(ref _started);

    public void Add(RequestRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_lock)
        {
            _finished.Add(record);
            if (record.Outcome != RequestOutcome.Ok)
            {
                var key = ErrorKey(record);
                _errors[key] = _errors.GetValueOrDefault(key) + 1;
            }
        }

        OnRecord?.Invoke(record);
    }

    /// <summary>Every record so far, in request order.</summary>
    public IReadOnlyList<RequestRecord> Records()
    {
        lock (_lock)
        {
            return [.. _finished.OrderBy(r => r.Index)];
        }
    }

    /// <summary>Live figures: completions in the last <paramref name="rateWindow"/>, percentiles of OK requests finished in the last <paramref name="latencyWindow"/>.</summary>
    public ProgressSnapshot Snapshot(TimeSpan rateWindow, TimeSpan latencyWindow)
    {
        var now = _clock.Elapsed;
        var latencies = new List<double>();
        var recent = 0;
        int finished, dropped = 0, ok = 0;
        Dictionary<string, int> errors;
        lock (_lock)
        {
            finished = _finished.Count;
            for (var i = _finished.Count - 1; i >= 0; i--)
            {
                var r = _finished[i];
                var at = r.End ?? r.Scheduled;
                if (at < now - latencyWindow && at < now - rateWindow)
                {
                    break;   // completion order: everything before is older still
                }

                if (r.Outcome == RequestOutcome.Ok && at >= now - rateWindow)
                {
                    recent++;
                }

                if (r.Outcome == RequestOutcome.Ok && at >= now - latencyWindow)
                {
                    latencies.Add(r.LatencyMs!.Value);
                }
            }

            foreach (var r in _finished)
            {
                dropped += r.Outcome == RequestOutcome.Dropped ? 1 : 0;
                ok += r.Outcome == RequestOutcome.Ok ? 1 : 0;
            }

            errors = new Dictionary<string, int>(_errors, StringComparer.Ordinal);
        }

        var inFlight = Started - (finished - dropped);
        return new ProgressSnapshot(now, Started, finished - dropped, ok, inFlight, dropped, recent / rateWindow.TotalSeconds, LatencySummary.Of(latencies), errors);
    }

    /// <summary>How a failed record is counted: its HTTP status, or the kind of failure.</summary>
    public static string ErrorKey(RequestRecord record) => record.Outcome switch
    {
        RequestOutcome.HttpError => record.Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        RequestOutcome.Failed => "failed",
        RequestOutcome.Timeout => "timeout",
        RequestOutcome.Dropped => "dropped",
        _ => "ok",
    };
}

/// <summary>Live figures of a run; <see cref="Recent"/> covers only the latency window.</summary>
public sealed record ProgressSnapshot(
    TimeSpan Elapsed,
    long Started,
    long Completed,
    long Ok,
    long InFlight,
    long Dropped,
    double RecentRatePerSecond,
    LatencySummary Recent,
    IReadOnlyDictionary<string, int> Errors);
