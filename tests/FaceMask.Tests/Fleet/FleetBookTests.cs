using FaceMask.Grains.Fleet;

namespace FaceMask.Tests.Fleet;

public sealed class FleetBookTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NamesAreNeverReused()
    {
        var book = NewBook();
        book.Add(2, T0);
        book.Drain(book.Workers[1], T0, "removed");

        var added = book.Add(1, T0).Workers.Single();

        Assert.Equal("worker-3", added.Name);
        Assert.StartsWith("worker-3-", added.Id);
        Assert.Equal(3, book.Workers.Select(w => w.Id).Distinct().Count());
    }

    [Fact]
    public void ANonPositiveCountIsRefused()
    {
        var change = NewBook().Add(0, T0);

        Assert.Empty(change.Workers);
        Assert.Equal("Ask for at least one worker.", change.Refusal);
    }

    [Fact]
    public void EnsureMinimumAddsOnlyWhatIsMissing()
    {
        var book = NewBook(min: 3);
        book.Add(1, T0);

        Assert.Equal(2, book.EnsureMinimum(T0).Workers.Count);
        Assert.Empty(book.EnsureMinimum(T0).Workers);
    }

    [Fact]
    public void APendingWorkerRemovedEndsAtOnceAnOtherDrains()
    {
        var book = NewBook(min: 0);
        book.Add(2, T0);
        var running = book.Workers[1] with { State = WorkerState.Running };
        book.Update(book.Workers[1], running);

        Assert.Equal(WorkerState.Terminated, book.Drain(book.Workers[0], T0, "removed").State);
        Assert.Equal(WorkerState.Draining, book.Drain(running, T0, "removed").State);
    }

    [Fact]
    public void AFailureIsReplacedUpToTheDesiredSizeButNotAfterStopAll()
    {
        var book = NewBook();
        book.Add(2, T0);

        book.Fail(book.Workers[0], "its silo was declared dead", T0, neverRan: false);
        var replacement = Assert.Single(book.TopUp(T0, ["worker-1"]));

        Assert.Equal("replaces worker-1", replacement.Detail);
        Assert.Null(book.State.LaunchesBlockedUntil);
        Assert.Equal(2, book.ActiveCount);

        var running = book.Workers.First(w => w.State == WorkerState.Pending);
        book.Update(running, running with { State = WorkerState.Running });
        book.StopAll(T0);
        Assert.True(book.State.Stopped);
        Assert.Equal(0, book.State.DesiredWorkers);
        book.Fail(book.Workers.Single(w => w.State == WorkerState.Draining), "gone", T0, neverRan: false);
        Assert.Empty(book.TopUp(T0, ["worker-2"]));
    }

    [Fact]
    public void RemovingShrinksTheDesiredSizeSoTheRemovedAreNotReplaced()
    {
        var book = NewBook();
        book.Add(3, T0);

        book.Drain(book.Workers[0], T0, "removed");

        Assert.Equal(2, book.State.DesiredWorkers);
        Assert.Empty(book.TopUp(T0, []));
    }

    [Fact]
    public void TheFleetIsNeverToppedUpPastTheMaximum()
    {
        var book = NewBook(max: 2);
        book.Add(2, T0);
        book.State.DesiredWorkers = 5;

        book.Fail(book.Workers[0], "dead", T0, neverRan: false);

        Assert.Single(book.TopUp(T0, ["worker-1"]));
        Assert.Equal(2, book.ActiveCount);
    }

    [Fact]
    public void LaunchFailuresBackOffExponentiallyUpToFiveMinutesAndResetWhenAWorkerRuns()
    {
        var book = NewBook(max: 64);
        book.Add(1, T0);
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 10; i++)
        {
            var failing = book.Workers.Last(w => w.IsActive);
            book.Fail(failing, "did not join", T0, neverRan: true);
            Assert.Single(book.TopUp(T0, [failing.Name]));
            delays.Add(book.State.LaunchesBlockedUntil!.Value - T0);
        }

        Assert.Equal([5, 10, 20, 40, 80, 160, 300, 300, 300, 300], delays.Select(d => d.TotalSeconds));

        var member = new SiloMember("x", "127.0.0.1", 1, 1, SiloMemberStatus.Active);
        book.BecameRunning(book.Workers.Last(w => w.IsActive), member, T0);
        Assert.Null(book.State.LaunchesBlockedUntil);
        Assert.Equal(0, book.State.ConsecutiveLaunchFailures);
    }

    [Fact]
    public void HistoryKeepsTheNewestFinishedWorkers()
    {
        var book = NewBook(max: 64, history: 3);
        book.Add(10, T0);
        foreach (var (worker, i) in book.Workers.Take(8).Select((w, i) => (w, i)).ToList())
        {
            book.Update(worker, worker with { State = WorkerState.Terminated, StateSince = T0.AddSeconds(i) });
        }

        book.TrimHistory();

        Assert.Equal(5, book.Workers.Count);
        Assert.Equal(["worker-6", "worker-7", "worker-8"], book.Workers.Where(w => w.IsFinished).Select(w => w.Name));
    }

    [Fact]
    public void TheFleetSeriesKeepsAnHourAndUpdatesTheCurrentMinute()
    {
        var book = NewBook();
        for (var i = 0; i < 90; i++)
        {
            Assert.True(book.Record(new FleetMinute(T0.AddMinutes(i), 1, 10)));
        }

        Assert.False(book.Record(new FleetMinute(T0.AddMinutes(89), 2, 20)));

        Assert.Equal(60, book.State.Series.Count);
        var series = book.Series(T0.AddMinutes(89).AddSeconds(30), 30);
        Assert.Equal(2, series.RunningWorkers[^1].Value);
        Assert.Equal(20, series.AverageCpuPercent[^1].Value);
        Assert.Equal(1, series.RunningWorkers[0].Value);
    }

    private static FleetBook NewBook(int min = 1, int max = 8, int history = 50) =>
        new(new FleetState(), new FleetOptions { MinWorkers = min, MaxWorkers = max, HistoryLimit = history });
}
