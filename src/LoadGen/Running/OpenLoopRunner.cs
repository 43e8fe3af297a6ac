using FaceMask.LoadGen.Scheduling;

namespace FaceMask.LoadGen.Running;

/// <summary>
/// Open loop: every request starts at its scheduled time whatever the latency of the others, the way real
/// users arrive. The dispatcher never waits for an answer. When <see cref="MaxConcurrency"/> requests are
/// already in flight at a request's scheduled time, that request is <b>dropped</b> (recorded, never sent)
/// rather than delayed, so a slow server cannot quietly turn the run into a closed loop.
/// </summary>
public sealed class OpenLoopRunner(IRequestSender sender, int maxConcurrency)
{
    public int MaxConcurrency { get; } = maxConcurrency > 0
        ? maxConcurrency
        : throw new ArgumentOutOfRangeException(nameof(maxConcurrency), maxConcurrency, "The concurrency cap must be > 0.");

    /// <summary>Runs <paramref name="schedule"/> to its end (or cancellation), then waits for the requests in flight.</summary>
    /// <param name="recorder">Receives every record; its clock starts here.</param>
    /// <param name="startOffset">Index of the first request (an experiment running several schedules back to back keeps one numbering).</param>
    public async Task RunAsync(RateSchedule schedule, RunRecorder recorder, CancellationToken cancellationToken, long startOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(recorder);
        recorder.StartClock();
        var inFlight = 0;
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = 1;   // the dispatcher itself, so "drained" fires only after the last request was dispatched

        void Finished()
        {
            if (Interlocked.Decrement(ref pending) == 0)
            {
                drained.TrySetResult();
            }
        }

        var index = startOffset;
        foreach (var at in schedule.StartTimes())
        {
            var wait = at - recorder.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                try
                {
                    await Task.Delay(wait, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var k = index++;
            if (Interlocked.Increment(ref inFlight) > MaxConcurrency)
            {
                Interlocked.Decrement(ref inFlight);
                recorder.Add(new RequestRecord(k, sender.ImageFor(k), at, null, null, RequestOutcome.Dropped, 0, 0, 0,
                    $"{MaxConcurrency} requests already in flight"));
                continue;
            }

            Interlocked.Increment(ref pending);
            recorder.MarkStarted();
            // The thread pool sends it: a large body can be written synchronously, which must not hold up the schedule.
            _ = Task.Run(
                async () =>
                {
                    try
                    {
                        recorder.Add(await SendTimedAsync(sender, k, at, recorder, cancellationToken));
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                        Finished();
                    }
                },
                CancellationToken.None);
        }

        Finished();
        await drained.Task;
    }

    internal static async Task<RequestRecord> SendTimedAsync(IRequestSender sender, long index, TimeSpan scheduled, RunRecorder recorder, CancellationToken cancellationToken)
    {
        var start = recorder.Elapsed;
        SendResult result;
        try
        {
            result = await sender.SendAsync(index, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = new SendResult(sender.ImageFor(index), RequestOutcome.Failed, 0, 0, 0, "cancelled");
        }
        catch (Exception e)
        {
            result = new SendResult(sender.ImageFor(index), RequestOutcome.Failed, 0, 0, 0, e.GetType().Name + ": " + e.Message);
        }

        var end = recorder.Elapsed;
        return new RequestRecord(index, result.Image, scheduled, start, end, result.Outcome, result.Status, result.BytesSent, result.BytesReceived, result.Error);
    }
}
