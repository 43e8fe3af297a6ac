namespace FaceMask.LoadGen.Running;

/// <summary>
/// Closed loop: <c>clients</c> callers, each sending its next request as soon as the previous one answers.
/// Throughput then shows what the server sustains; requests finishing within <c>warmUp</c> of the start are
/// recorded but left out of <see cref="ClosedLoopResult"/>.
/// </summary>
public sealed class ClosedLoopRunner(IRequestSender sender)
{
    public async Task<ClosedLoopResult> RunAsync(int clients, TimeSpan duration, TimeSpan warmUp, RunRecorder recorder, CancellationToken cancellationToken, long startOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(recorder);
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        if (duration <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "The duration must be > 0.");
        }

        recorder.StartClock();
        var next = startOffset - 1;
        var end = warmUp + duration;

        async Task ClientAsync()
        {
            while (!cancellationToken.IsCancellationRequested && recorder.Elapsed < end)
            {
                var k = Interlocked.Increment(ref next);
                recorder.MarkStarted();
                recorder.Add(await OpenLoopRunner.SendTimedAsync(sender, k, recorder.Elapsed, recorder, cancellationToken));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(ClientAsync, CancellationToken.None)));
        return ClosedLoopResult.From(clients, warmUp, end, recorder.Records());
    }
}

/// <summary>The measured part of a closed-loop run: the requests that finished between the end of the warm-up and the end.</summary>
public sealed record ClosedLoopResult(int Clients, TimeSpan Measured, int Ok, int Errors, double OkPerSecond, Stats.LatencySummary Latency, IReadOnlyDictionary<string, int> ErrorsByKind)
{
    public static ClosedLoopResult From(int clients, TimeSpan warmUp, TimeSpan end, IReadOnlyList<RequestRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var measured = records.Where(r => r.End >= warmUp && r.End <= end).ToList();
        var ok = measured.Where(r => r.Outcome == RequestOutcome.Ok).ToList();
        var errors = measured.Where(r => r.Outcome != RequestOutcome.Ok)
            .GroupBy(RunRecorder.ErrorKey, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var window = end - warmUp;
        return new ClosedLoopResult(clients, window, ok.Count, measured.Count - ok.Count, ok.Count / window.TotalSeconds,
            Stats.LatencySummary.Of(ok.Select(r => r.LatencyMs!.Value)), errors);
    }
}
