using System.Globalization;
using System.Text;
using FaceMask.LoadGen.Running;
using FaceMask.LoadGen.Scheduling;
using FaceMask.LoadGen.Stats;

namespace FaceMask.LoadGen.Reporting;

/// <summary>The figures of a finished open-loop run.</summary>
public sealed record RunSummary(
    int Planned,
    int Sent,
    int Ok,
    int Dropped,
    int Late,
    TimeSpan ScheduleLength,
    TimeSpan Wall,
    double OfferedRate,
    double AchievedRate,
    LatencySummary OkLatency,
    LatencySummary StartLag,
    IReadOnlyDictionary<string, int> Errors,
    long BytesSent,
    long BytesReceived)
{
    /// <summary>A request that started more than this after its scheduled time counts as late (the generator fell behind).</summary>
    public static TimeSpan LateThreshold { get; } = TimeSpan.FromMilliseconds(10);

    public static RunSummary Of(RateSchedule schedule, IReadOnlyList<RequestRecord> records, TimeSpan wall)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(records);
        var sent = records.Where(r => r.Outcome != RequestOutcome.Dropped).ToList();
        var ok = sent.Where(r => r.Outcome == RequestOutcome.Ok).ToList();
        var errors = records.Where(r => r.Outcome != RequestOutcome.Ok)
            .GroupBy(RunRecorder.ErrorKey, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var length = schedule.Duration;
        // Achieved: answers per second over the time the run really took (schedule plus the tail of late answers).
        var active = sent.Count == 0 ? length : TimeSpan.FromTicks(Math.Max(length.Ticks, sent.Max(r => r.End!.Value).Ticks));
        return new RunSummary(
            schedule.Count(),
            sent.Count,
            ok.Count,
            records.Count - sent.Count,
            sent.Count(r => r.StartLagMs > LateThreshold.TotalMilliseconds),
            length,
            wall,
            records.Count / length.TotalSeconds,
            ok.Count / active.TotalSeconds,
            LatencySummary.Of(ok.Select(r => r.LatencyMs!.Value)),
            LatencySummary.Of(sent.Select(r => r.StartLagMs!.Value)),
            errors,
            sent.Sum(r => r.BytesSent),
            sent.Sum(r => r.BytesReceived));
    }

    public string ToText(int maxConcurrency)
    {
        var inv = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(inv, $"requests   planned {Planned}, sent {Sent}, ok {Ok}, dropped {Dropped}, late {Late}");
        s.AppendLine(inv, $"rate       offered {OfferedRate:0.0}/s over {ScheduleLength.TotalSeconds:0.#} s, achieved {AchievedRate:0.0} ok/s (wall {Wall.TotalSeconds:0.#} s)");
        s.AppendLine(inv, $"latency    ok: {Format(OkLatency)}");
        s.AppendLine(inv, $"start lag  {Format(StartLag)}");
        s.AppendLine(inv, $"errors     {(Errors.Count == 0 ? "none" : string.Join(", ", Errors.Select(e => $"{e.Key}×{e.Value}")))}");
        s.AppendLine(inv, $"bytes      sent {BytesSent:N0}, received {BytesReceived:N0}");
        s.AppendLine(inv, $"dropped = not sent because {maxConcurrency} requests were already in flight at its scheduled time (never delayed);");
        s.AppendLine(inv, $"late = sent more than {LateThreshold.TotalMilliseconds:0} ms after its scheduled time (the generator itself fell behind).");
        return s.ToString();
    }

    public static string Format(LatencySummary l) => l.Count == 0
        ? "no requests"
        : string.Create(CultureInfo.InvariantCulture, $"n={l.Count} p50 {l.P50:0.0} p95 {l.P95:0.0} p99 {l.P99:0.0} max {l.Max:0.0} mean {l.Mean:0.0} ms");
}
