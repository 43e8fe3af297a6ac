using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;
using FaceMask.Tests.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace FaceMask.Tests.Scaling.Grains;

[Collection(ScalingCollection.Name)]
public sealed class ScalerGrainTests(ScalingClusterFixture fixture)
{
    private ScalingDeployment NewDeployment() => new(fixture.Grains, fixture.World);

    [Fact]
    public async Task AFreshScalerTakesItsFirstStateFromTheOptions()
    {
        var status = await NewDeployment().Scaler.StatusAsync();

        Assert.False(status.Enabled);
        Assert.Equal(ScalingClusterFixture.Period, status.Period);
        Assert.Null(status.LastTickAt);
        Assert.Equal(0, status.DecisionCount);
    }

    [Fact]
    public async Task AnEnabledScalerTicksFromItsReminderUntilDisabled()
    {
        var deployment = NewDeployment();
        var worker = (await deployment.AddRunningAsync(1)).Single();
        await deployment.ReportAsync(worker.Id, 40, received: 3, completed: 3);

        var enabled = await deployment.Scaler.EnableAsync();
        Assert.True(enabled.Enabled);
        Assert.True(await HasReminderAsync(deployment.Key));
        var page = await Eventually.UntilAsync(() => deployment.Scaler.DecisionsAsync(0, 10), p => p.Total >= 2, "two reminder ticks");

        var disabled = await deployment.Scaler.DisableAsync();

        Assert.False(disabled.Enabled);
        Assert.False(await HasReminderAsync(deployment.Key));
        Assert.Equal([2L, 1L], page.Items.TakeLast(2).Select(d => d.Sequence));
        var first = page.Items[^1];
        Assert.Equal(ScalingPolicy.Default, first.Policy);
        Assert.Equal(ScalingMode.Original, first.Mode);
        var seen = Assert.Single(first.Workers);
        Assert.Equal(new WorkerObservation(worker.Id, true, 40, 3, 3), seen);
        Assert.Equal(ScalingRules.AllBetween, first.Rule);
        Assert.Equal(ScalingAction.None, first.Action);
        Assert.Equal((0, 1, 0), (first.BelowShrink, first.Between, first.AboveGrow));
        Assert.Equal(40, first.MeanCpu);
        Assert.Null(first.ApplyError);
        Assert.Equal((1, 1), (first.CurrentSize, first.TargetSize));
        Assert.NotNull((await deployment.Scaler.StatusAsync()).LastTickAt);
    }

    [Fact]
    public async Task ATickGrowsTheFleetThroughTheFleetGrainAndLogsWhatItSaw()
    {
        var deployment = NewDeployment();
        var workers = await deployment.AddRunningAsync(2);
        await deployment.ReportAsync(workers[0].Id, 80, received: 10, completed: 9);
        await deployment.ReportAsync(workers[1].Id, 90, received: 11, completed: 10);

        var decision = await deployment.Scaler.TickAsync();

        Assert.Equal(ScalingRules.MeanAboveGrow, decision.Rule);
        Assert.Equal((ScalingAction.Grow, 2), (decision.Action, decision.Count));
        Assert.Equal((2, 4), (decision.CurrentSize, decision.TargetSize));
        Assert.Null(decision.ApplyError);
        Assert.Equal(85, decision.MeanCpu);
        Assert.Equal(5, decision.StdDevCpu);
        Assert.Equal(21, decision.ArrivalRate);
        Assert.Equal((0, 0, 2), (decision.BelowShrink, decision.Between, decision.AboveGrow));
        Assert.Equal([80.0, 90.0], decision.Workers.Select(w => w.CpuPercent!.Value));
        Assert.False(string.IsNullOrWhiteSpace(decision.Reason));
        Assert.Equal(4, (await deployment.ActiveAsync()).Count);
        var logged = (await deployment.Scaler.DecisionsAsync(0, 1)).Items.Single();
        Assert.Equal(decision with { Workers = [] }, logged with { Workers = [] });
        Assert.Equal(decision.Workers, logged.Workers);
    }

    [Fact]
    public async Task BootingWorkersAndServingWorkersWithoutMetricsAreObservedAsMissingNotZero()
    {
        var deployment = NewDeployment();
        var running = (await deployment.AddRunningAsync(1)).Single();
        var booting = (await deployment.Fleet.AddAsync(1)).Workers.Single();

        var decision = await deployment.Scaler.TickAsync();

        Assert.Equal(
            [new WorkerObservation(running.Id, true, null, null, null), new WorkerObservation(booting.Id, false, null, null, null)],
            decision.Workers);
        Assert.Equal(ScalingAction.None, decision.Action);
        Assert.Equal(2, decision.CurrentSize);
    }

    [Fact]
    public async Task ARefusedGrowIsLoggedAndDecidedAgainNextTick()
    {
        var deployment = NewDeployment();
        var workers = await deployment.AddRunningAsync(2);
        await deployment.Fleet.SetBoundsAsync(1, 2);
        foreach (var worker in workers)
        {
            await deployment.ReportAsync(worker.Id, 95);
        }

        var refused = await deployment.Scaler.TickAsync();
        var again = await deployment.Scaler.TickAsync();

        Assert.Equal(ScalingAction.Grow, refused.Action);
        Assert.Equal("Added 0 of 2: the fleet has at most 2 workers.", refused.ApplyError);
        Assert.Equal((ScalingAction.Grow, refused.Sequence + 1), (again.Action, again.Sequence));
        Assert.Equal(2, (await deployment.ActiveAsync()).Count);
    }

    [Fact]
    public async Task ARefusedShrinkStartsNoCooldownAndAnAppliedOneDoes()
    {
        var deployment = NewDeployment();
        var workers = await deployment.AddRunningAsync(3);
        foreach (var worker in workers)
        {
            await deployment.ReportAsync(worker.Id, 5);
            await deployment.Fleet.SetScaleInProtectionAsync(worker.Id, true);
        }

        var refused = await deployment.Scaler.TickAsync();

        Assert.Equal((ScalingAction.Shrink, 1), (refused.Action, refused.Count));
        Assert.Equal("Removed 0 of 1: the others are protected from scale-in.", refused.ApplyError);
        Assert.Equal(0, (await deployment.Scaler.StatusAsync()).CooldownTicksLeft);

        await deployment.Fleet.SetScaleInProtectionAsync(workers[0].Id, false);
        var applied = await deployment.Scaler.TickAsync();
        var cooling = await deployment.Scaler.TickAsync();

        Assert.Equal((ScalingAction.Shrink, 1, null), (applied.Action, applied.Count, applied.ApplyError));
        Assert.Equal(2, (await deployment.ActiveAsync()).Count);
        Assert.Equal((ScalingRules.Cooldown, ScalingAction.None), (cooling.Rule, cooling.Action));
    }

    [Fact]
    public async Task ConcurrentTicksRunOneAfterAnother()
    {
        var deployment = NewDeployment();
        await deployment.AddRunningAsync(1);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => deployment.Scaler.TickAsync()));

        Assert.Equal([1L, 2, 3, 4, 5, 6], decisions.Select(d => d.Sequence).Order());
        var page = await deployment.Scaler.DecisionsAsync(0, 200);
        Assert.Equal([6L, 5, 4, 3, 2, 1], page.Items.Select(d => d.Sequence));
    }

    [Fact]
    public async Task TheLogPagesNewestFirstWithClampedPageSizes()
    {
        var deployment = NewDeployment();
        for (var i = 0; i < 5; i++)
        {
            await deployment.Scaler.TickAsync();
        }

        var middle = await deployment.Scaler.DecisionsAsync(1, 2);
        var atLeastOne = await deployment.Scaler.DecisionsAsync(-3, 0);
        var past = await deployment.Scaler.DecisionsAsync(9, 5);

        Assert.Equal(5, middle.Total);
        Assert.Equal([4L, 3], middle.Items.Select(d => d.Sequence));
        Assert.Equal([5L], atLeastOne.Items.Select(d => d.Sequence));
        Assert.Empty(past.Items);
        Assert.Equal(5, (await deployment.Scaler.StatusAsync()).DecisionCount);
    }

    [Fact]
    public async Task ATickReadsThePolicyOfItsOwnKey()
    {
        var deployment = NewDeployment();
        await deployment.Policy.UpdateAsync(PolicyCases.Custom);

        var decision = await deployment.Scaler.TickAsync();

        Assert.Equal(PolicyCases.Custom, decision.Policy);
        Assert.Equal(ScalingMode.Demand, decision.Mode);
    }

    private async Task<bool> HasReminderAsync(string key)
    {
        var grainId = GrainId.Create("scaler", key);
        foreach (var silo in fixture.Cluster.GetActiveSilos())
        {
            var table = fixture.Cluster.GetSiloServiceProvider(silo.SiloAddress).GetService<IReminderTable>();
            if (table is not null)
            {
                var rows = await table.ReadRows(grainId);
                return rows.Reminders.Any(r => r.ReminderName == ScalerGrain.TickReminder);
            }
        }

        throw new InvalidOperationException("No silo has a reminder table.");
    }
}
