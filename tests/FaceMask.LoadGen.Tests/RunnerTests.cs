using FaceMask.LoadGen.Reporting;
using FaceMask.LoadGen.Running;
using FaceMask.LoadGen.Scheduling;

namespace FaceMask.LoadGen.Tests;

public sealed class RunnerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OpenLoopStartsOnScheduleWhileEarlierRequestsAreStillUnanswered()
    {
        // 20 requests 10 ms apart, each answered after 1 s: a closed loop would take 20 s.
        var sender = FakeSender.Taking(TimeSpan.FromSeconds(1));
        var recorder = new RunRecorder();

        await new OpenLoopRunner(sender, 64).RunAsync(RateSchedule.ForCount(100, 20), recorder, Ct);

        var records = recorder.Records();
        Assert.Equal(20, records.Count);
        Assert.All(records, r => Assert.Equal(RequestOutcome.Ok, r.Outcome));
        Assert.True(sender.MaxInFlight >= 15, $"only {sender.MaxInFlight} requests were in flight together");
        Assert.True(records[^1].Start < TimeSpan.FromMilliseconds(900), $"the last request started at {records[^1].Start}");
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i * 10.0), records.Select(r => Math.Round(r.Scheduled.TotalMilliseconds, 6)));
    }

    [Fact]
    public async Task RequestsBeyondTheConcurrencyCapAreDroppedNotDelayed()
    {
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sender = new FakeSender(async index =>
        {
            await release.Task;
            return FakeSender.Ok(index);
        });
        var recorder = new RunRecorder();
        var run = new OpenLoopRunner(sender, 3).RunAsync(RateSchedule.ForCount(200, 10), recorder, Ct);

        // All ten have been scheduled once the seven beyond the cap are recorded as dropped.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (recorder.Records().Count(r => r.Outcome == RequestOutcome.Dropped) < 7 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, Ct);
        }

        Assert.Equal(3, sender.Calls);
        release.SetResult(true);
        await run;

        var records = recorder.Records();
        Assert.Equal(3, records.Count(r => r.Outcome == RequestOutcome.Ok));
        Assert.Equal(7, records.Count(r => r.Outcome == RequestOutcome.Dropped));
        Assert.All(records.Where(r => r.Outcome == RequestOutcome.Dropped), r => Assert.Null(r.Start));
        var summary = RunSummary.Of(RateSchedule.ForCount(200, 10), records, TimeSpan.FromSeconds(1));
        Assert.Equal(7, summary.Dropped);
        Assert.Equal(3, summary.Sent);
        Assert.Equal(7, summary.Errors["dropped"]);
    }

    [Fact]
    public async Task ErrorsAreCountedByStatusAndKind()
    {
        var sender = new FakeSender(index => Task.FromResult(index switch
        {
            0 => new SendResult("a", RequestOutcome.HttpError, 503, 1, 1, "Service Unavailable"),
            1 => new SendResult("a", RequestOutcome.HttpError, 503, 1, 1, "Service Unavailable"),
            2 => new SendResult("a", RequestOutcome.HttpError, 400, 1, 1, "Bad Image"),
            3 => new SendResult("a", RequestOutcome.Timeout, 0, 1, 0, "no answer"),
            4 => throw new InvalidOperationException("sender bug"),
            _ => FakeSender.Ok(index),
        }));
        var recorder = new RunRecorder();
        var schedule = RateSchedule.ForCount(500, 8);

        await new OpenLoopRunner(sender, 64).RunAsync(schedule, recorder, Ct);

        var snapshot = recorder.Snapshot(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        Assert.Equal(2, snapshot.Errors["503"]);
        Assert.Equal(1, snapshot.Errors["400"]);
        Assert.Equal(1, snapshot.Errors["timeout"]);
        Assert.Equal(1, snapshot.Errors["failed"]);
        Assert.Equal(3, snapshot.Ok);
        Assert.Equal(0, snapshot.InFlight);
        Assert.Contains("sender bug", recorder.Records()[4].Error);
        Assert.Contains("503×2", ProgressPrinter.Line(snapshot));
    }

    [Fact]
    public async Task ClosedLoopNeverHasMoreRequestsInFlightThanClients()
    {
        var sender = FakeSender.Taking(TimeSpan.FromMilliseconds(5));
        var recorder = new RunRecorder();

        var result = await new ClosedLoopRunner(sender).RunAsync(3, TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(100), recorder, Ct);

        Assert.Equal(3, sender.MaxInFlight);
        Assert.True(result.Ok > 10, $"only {result.Ok} answers in 400 ms");
        Assert.Equal(0, result.Errors);
        Assert.True(recorder.Records().Count > result.Ok, "warm-up answers are recorded but not measured");
        Assert.Equal(result.Ok / 0.4, result.OkPerSecond, 6);
    }

    [Fact]
    public async Task CancellingStopsSchedulingAndWaitsForRequestsInFlight()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var sender = FakeSender.Taking(TimeSpan.FromMilliseconds(50));
        var recorder = new RunRecorder { OnRecord = r => { if (r.Index == 4) { cancel.Cancel(); } } };

        await new OpenLoopRunner(sender, 64).RunAsync(RateSchedule.Constant(50, TimeSpan.FromMinutes(5)), recorder, cancel.Token);

        var records = recorder.Records();
        Assert.InRange(records.Count, 5, 20);
        Assert.Equal(sender.Calls, records.Count);
    }

    [Fact]
    public void DoublingLevelsEndAtTheMaximum()
    {
        Assert.Equal([1, 2, 4, 8, 16], SaturationSearch.Doubling(1, 16));
        Assert.Equal([1, 2, 4, 8, 12], SaturationSearch.Doubling(1, 12));
        Assert.Equal([5], SaturationSearch.Doubling(5, 5));
    }

    [Fact]
    public async Task SaturationSearchStopsWhenThroughputStopsGrowing()
    {
        // A server that serves at most two requests at a time: throughput stops growing past two clients.
        var gate = new SemaphoreSlim(2);
        var sender = new FakeSender(async index =>
        {
            await gate.WaitAsync();
            try
            {
                await Task.Delay(20);
                return FakeSender.Ok(index);
            }
            finally
            {
                gate.Release();
            }
        });

        var result = await new SaturationSearch(sender, TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(100))
            .RunAsync(SaturationSearch.Doubling(1, 64), Ct);

        Assert.InRange(result.Levels.Count, 3, 4);
        Assert.NotNull(result.Best);
        Assert.InRange(result.Best.Clients, 2, 8);
    }
}
