using FaceMask.Grains.Fleet;

namespace FaceMask.Tests.Fleet;

[Collection(FleetCollection.Name)]
public sealed class FleetGrainTests(FleetClusterFixture fixture)
{
    private FakeWorkerWorld World => fixture.World;

    [Fact]
    public async Task AddedWorkersGoFromPendingThroughStartingToRunningOnceTheirSiloIsActive()
    {
        var fleet = fixture.NewFleet();

        var change = await fleet.AddAsync(2);

        Assert.Null(change.Refusal);
        Assert.Equal(["worker-1", "worker-2"], change.Workers.Select(w => w.Name));
        Assert.All(change.Workers, w => Assert.Equal(WorkerState.Pending, w.State));
        var ids = change.Workers.Select(w => w.Id).ToList();

        var starting = await WaitForAsync(fleet, ids, WorkerState.Starting);
        Assert.All(ids, id => Assert.Contains(World.Starts, s => s.WorkerId == id));
        Assert.All(starting.Where(w => ids.Contains(w.Id)), w =>
        {
            Assert.StartsWith("fake-", w.InstanceId);
            Assert.Equal("127.0.0.1", w.Address);
            Assert.True(w.CpuQuotaActive);
            Assert.Null(w.RunningSince);
        });

        World.Join(ids[0]);
        var workers = await WaitForAsync(fleet, [ids[0]], WorkerState.Running);

        Assert.Equal(fixture.Clock.GetUtcNow(), workers.Single(w => w.Id == ids[0]).RunningSince);
        Assert.Equal(WorkerState.Starting, workers.Single(w => w.Id == ids[1]).State);
    }

    [Fact]
    public async Task RemovingAWorkerByIdDrainsItAndThenStopsIt()
    {
        var fleet = fixture.NewFleet();
        var workers = await AddRunningAsync(fleet, 2);
        var leaving = workers[0].Id;

        var change = await fleet.RemoveWorkerAsync(leaving);

        Assert.Null(change.Refusal);
        Assert.Equal(WorkerState.Draining, Assert.Single(change.Workers).State);
        await WaitForAsync(fleet, [leaving], WorkerState.Terminated);
        Assert.Equal([FleetClusterFixture.DrainGrace], World.StopsOf(leaving));
        Assert.Single(await fleet.ListAsync(WorkerState.Running));
    }

    [Fact]
    public async Task RemovingByCountTakesTheLeastLoadedAndAmongEqualsTheNewest()
    {
        var fleet = fixture.NewFleet();
        var workers = (await AddRunningAsync(fleet, 4)).OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
        double[] cpu = [50, 10, 10, 80];
        for (var i = 0; i < workers.Count; i++)
        {
            await ReportAsync(workers[i].Id, cpu[i]);
        }

        var change = await fleet.RemoveAsync(2);

        Assert.Null(change.Refusal);
        Assert.Equal(["worker-3", "worker-2"], change.Workers.Select(w => w.Name));
        Assert.All(change.Workers, w => Assert.Equal(WorkerState.Draining, w.State));
    }

    [Fact]
    public async Task ListsFilterByState()
    {
        var fleet = fixture.NewFleet();
        var running = await AddRunningAsync(fleet, 3);
        await fleet.RemoveWorkerAsync(running[0].Id);
        var starting = (await fleet.AddAsync(1)).Workers.Single();
        await WaitForAsync(fleet, [running[0].Id], WorkerState.Terminated);
        await WaitForAsync(fleet, [starting.Id], WorkerState.Starting);

        Assert.Equal(2, (await fleet.ListAsync(WorkerState.Running)).Count);
        Assert.Equal(starting.Id, Assert.Single(await fleet.ListAsync(WorkerState.Starting)).Id);
        Assert.Equal(running[0].Id, Assert.Single(await fleet.ListAsync(WorkerState.Terminated)).Id);
        Assert.Empty(await fleet.ListAsync(WorkerState.Failed));
        var all = await fleet.ListAsync(null);
        Assert.Equal(4, all.Count);
        Assert.Equal("worker-4", all[0].Name);
    }

    [Fact]
    public async Task AddingPastTheMaximumAddsWhatFitsAndSaysWhy()
    {
        var fleet = fixture.NewFleet();

        var first = await fleet.AddAsync(10);
        var second = await fleet.AddAsync(1);

        Assert.Equal(8, first.Workers.Count);
        Assert.Equal("Added 8 of 10: the fleet has at most 8 workers.", first.Refusal);
        Assert.Empty(second.Workers);
        Assert.Equal("Added 0 of 1: the fleet has at most 8 workers.", second.Refusal);
        Assert.Equal(8, (await fleet.ListAsync(null)).Count);
    }

    [Fact]
    public async Task RemovingBelowTheMinimumIsRefused()
    {
        var fleet = fixture.NewFleet();
        var workers = await AddRunningAsync(fleet, 2);

        var byCount = await fleet.RemoveAsync(5);
        var remaining = Assert.Single(await fleet.ListAsync(WorkerState.Running));
        var byId = await fleet.RemoveWorkerAsync(remaining.Id);
        var again = await fleet.RemoveAsync(1);

        Assert.Single(byCount.Workers);
        Assert.Equal("Removed 1 of 5: the fleet keeps at least 1 worker(s).", byCount.Refusal);
        Assert.Empty(byId.Workers);
        Assert.Equal("The fleet keeps at least 1 worker(s).", byId.Refusal);
        Assert.Empty(again.Workers);
        Assert.Contains(workers, w => w.Id == remaining.Id);
    }

    [Fact]
    public async Task RemovingAnUnknownWorkerSaysItWasNotFound()
    {
        var change = await fixture.NewFleet().RemoveWorkerAsync("worker-404");

        Assert.Empty(change.Workers);
        Assert.Equal("Worker worker-404 not found.", change.Refusal);
    }

    [Fact]
    public async Task ProtectedWorkersAreNeverRemoved()
    {
        var fleet = fixture.NewFleet();
        var workers = (await AddRunningAsync(fleet, 3)).OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
        // The protected ones are the idlest and newest: the first a scale-in would otherwise pick.
        await ReportAsync(workers[0].Id, 90);
        var protectedInfo = await fleet.SetScaleInProtectionAsync(workers[1].Id, true);
        await fleet.SetScaleInProtectionAsync(workers[2].Id, true);

        var byCount = await fleet.RemoveAsync(2);
        var byId = await fleet.RemoveWorkerAsync(workers[1].Id);

        Assert.True(protectedInfo!.ScaleInProtected);
        Assert.Equal(workers[0].Id, Assert.Single(byCount.Workers).Id);
        Assert.Equal("Removed 1 of 2: the others are protected from scale-in.", byCount.Refusal);
        Assert.Equal("worker-2 is protected from scale-in.", byId.Refusal);
        Assert.Equal(2, (await fleet.ListAsync(WorkerState.Running)).Count(w => w.ScaleInProtected));
        Assert.Null(await fleet.SetScaleInProtectionAsync("no-such-worker", true));
    }

    [Fact]
    public async Task AllProtectedMeansNothingToRemove()
    {
        var fleet = fixture.NewFleet();
        var workers = await AddRunningAsync(fleet, 3);
        foreach (var worker in workers)
        {
            await fleet.SetScaleInProtectionAsync(worker.Id, true);
        }

        var change = await fleet.RemoveAsync(1);

        Assert.Empty(change.Workers);
        Assert.Equal("Removed 0 of 1: the others are protected from scale-in.", change.Refusal);
    }

    [Fact]
    public async Task ARunningWorkerWhoseSiloDiesIsFailedAndReplaced()
    {
        var fleet = fixture.NewFleet();
        var workers = await AddRunningAsync(fleet, 2);
        var victim = workers.Single(w => w.Name == "worker-1");

        World.Die(victim.Id);

        var after = await WaitForAsync(fleet, [victim.Id], WorkerState.Failed);
        Assert.Equal("its silo was declared dead", after.Single(w => w.Id == victim.Id).Detail);
        var replacement = await Eventually.UntilAsync(
            () => fleet.ListAsync(WorkerState.Starting),
            list => list.Count == 1,
            "a replacement being launched");
        Assert.Equal("worker-3", replacement[0].Name);
        Assert.Equal("replaces worker-1", replacement[0].Detail);
        Assert.True(World.IsLaunched(replacement[0].Id));
    }

    [Fact]
    public async Task AWorkerThatNeverComesUpFailsAfterTheStartDeadlineAndIsReplaced()
    {
        var fleet = fixture.NewFleet();
        var id = (await fleet.AddAsync(1)).Workers.Single().Id;
        await WaitForAsync(fleet, [id], WorkerState.Starting);

        fixture.Clock.Advance(FleetClusterFixture.StartTimeout - TimeSpan.FromSeconds(1));
        await TickedThisMinuteAsync(fleet);
        Assert.Equal(WorkerState.Starting, (await fleet.ListAsync(null)).Single(w => w.Id == id).State);

        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        var workers = await WaitForAsync(fleet, [id], WorkerState.Failed);

        Assert.StartsWith("its silo did not join the cluster within", workers.Single(w => w.Id == id).Detail);
        Assert.Equal([TimeSpan.Zero], World.StopsOf(id));
        var replacement = workers.Single(w => w.Id != id);
        Assert.Equal("replaces worker-1", replacement.Detail);
        // Launches back off after a failure to come up; the replacement goes once the back-off has passed.
        fixture.Clock.Advance(TimeSpan.FromSeconds(5));
        await WaitForAsync(fleet, [replacement.Id], WorkerState.Starting);
    }

    [Fact]
    public async Task StopAllStopsEveryWorkerEvenProtectedOnesAndReplacesNone()
    {
        var fleet = fixture.NewFleet();
        var workers = await AddRunningAsync(fleet, 3);
        await fleet.SetScaleInProtectionAsync(workers[0].Id, true);
        var pending = (await fleet.AddAsync(1)).Workers.Single();

        await fleet.StopAllAsync();

        await WaitForAsync(fleet, workers.Select(w => w.Id).ToList(), WorkerState.Terminated);
        var all = await fleet.ListAsync(null);
        Assert.All(all, w => Assert.Equal(WorkerState.Terminated, w.State));
        Assert.Equal(4, all.Count);
        Assert.Contains(all, w => w.Id == pending.Id);

        var restart = await fleet.EnsureMinimumAsync();
        Assert.Equal(WorkerState.Pending, Assert.Single(restart.Workers).State);
    }

    [Fact]
    public async Task FleetSeriesHasOnePointPerMinuteWithGapsForMinutesWithoutData()
    {
        var fleet = fixture.NewFleet();
        var workers = await AddRunningAsync(fleet, 2);
        await ReportAsync(workers[0].Id, 40);
        await ReportAsync(workers[1].Id, 60);
        var first = await Eventually.UntilAsync(
            () => fleet.SeriesAsync(30),
            s => s.RunningWorkers[^1].Value == 2 && s.AverageCpuPercent[^1].Value == 50,
            "2 running workers at 50 % in the series");

        fixture.Clock.Advance(TimeSpan.FromMinutes(3));
        var series = await Eventually.UntilAsync(
            () => fleet.SeriesAsync(30),
            s => s.RunningWorkers[^1].Value == 2,
            "a point in the new minute");

        Assert.Equal(30, series.RunningWorkers.Count);
        Assert.Equal(30, series.AverageCpuPercent.Count);
        Assert.Equal(first.RunningWorkers[^1].Minute.AddMinutes(3), series.RunningWorkers[^1].Minute);
        Assert.Equal([2.0, null, null, 2.0], series.RunningWorkers.Skip(26).Select(p => p.Value));
        Assert.Equal([50.0, null, null, null], series.AverageCpuPercent.Skip(26).Select(p => p.Value));
        Assert.All(series.RunningWorkers.Take(26), p => Assert.Null(p.Value));
        Assert.Equal(
            Enumerable.Range(0, 30).Select(i => series.RunningWorkers[^1].Minute.AddMinutes(i - 29)),
            series.RunningWorkers.Select(p => p.Minute));
    }

    private async Task<IReadOnlyList<WorkerInfo>> AddRunningAsync(IFleetGrain fleet, int count)
    {
        var change = await fleet.AddAsync(count);
        Assert.Null(change.Refusal);
        var ids = change.Workers.Select(w => w.Id).ToList();
        await WaitForAsync(fleet, ids, WorkerState.Starting);
        foreach (var id in ids)
        {
            World.Join(id);
        }

        var workers = await WaitForAsync(fleet, ids, WorkerState.Running);
        return workers.Where(w => ids.Contains(w.Id)).ToList();
    }

    private static Task<IReadOnlyList<WorkerInfo>> WaitForAsync(IFleetGrain fleet, IReadOnlyList<string> ids, WorkerState state) =>
        Eventually.UntilAsync(
            () => fleet.ListAsync(null),
            list => ids.All(id => list.Any(w => w.Id == id && w.State == state)),
            $"{string.Join(", ", ids)} to be {state}");

    /// <summary>A tick ran since the clock last moved to a new minute: the series has a point for it.</summary>
    private static Task TickedThisMinuteAsync(IFleetGrain fleet) =>
        Eventually.UntilAsync(() => fleet.SeriesAsync(1), s => s.RunningWorkers[0].Value is not null, "a tick in the current minute");

    private Task ReportAsync(string workerId, double cpu) =>
        fixture.Grains.GetGrain<IWorkerGrain>(workerId)
            .ReportAsync(new WorkerSample(fixture.Clock.GetUtcNow(), 5, cpu, 10, 10, 1000, 2000, 100_000_000));
}
