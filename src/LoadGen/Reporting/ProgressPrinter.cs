using System.Globalization;
using FaceMask.LoadGen.Running;

namespace FaceMask.LoadGen.Reporting;

/// <summary>Prints a line of live figures once a second until disposed.</summary>
public sealed class ProgressPrinter : IAsyncDisposable
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LatencyWindow = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ProgressPrinter(RunRecorder recorder, TextWriter output, TimeSpan? interval = null)
    {
        _loop = LoopAsync(recorder, output, interval ?? TimeSpan.FromSeconds(1), _stop.Token);
    }

    public static string Line(ProgressSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var inv = CultureInfo.InvariantCulture;
        var l = s.Recent;
        var latency = l.Count == 0 ? "p50 – p95 – p99 – ms" : string.Create(inv, $"p50 {l.P50:0} p95 {l.P95:0} p99 {l.P99:0} ms");
        var errors = s.Errors.Count == 0 ? "none" : string.Join(" ", s.Errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}×{e.Value}"));
        return string.Create(inv, $"[{s.Elapsed.TotalSeconds,6:0.0}s] sent {s.Started} done {s.Completed} ok {s.Ok} in-flight {s.InFlight} | {s.RecentRatePerSecond:0.0} ok/s | last 10 s {latency} | errors {errors}");
    }

    private static async Task LoopAsync(RunRecorder recorder, TextWriter output, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await output.WriteLineAsync(Line(recorder.Snapshot(RateWindow, LatencyWindow)));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
