using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;

namespace FaceMask.Tests.Scaling.Grains;

[Collection(ScalingCollection.Name)]
public sealed class PolicyGrainTests(ScalingClusterFixture fixture)
{
    private ScalingDeployment NewDeployment() => new(fixture.Grains, fixture.World);

    [Fact]
    public async Task APolicyNeverSavedIsTheDefault()
    {
        var policy = await NewDeployment().Policy.GetAsync();

        Assert.Equal(ScalingPolicy.Default, policy);
        Assert.Equal(new ScalingPolicy(65, 25, 2.0, 0.1, 1, 8, 1, ScalingMode.Original, 2, 13), policy);
    }

    [Fact]
    public async Task AValidUpdateIsSavedAndItsBoundsReachTheFleet()
    {
        var deployment = NewDeployment();
        var wanted = PolicyCases.Custom with { MinWorkers = 2, MaxWorkers = 3 };

        var update = await deployment.Policy.UpdateAsync(wanted);

        Assert.True(update.Saved);
        Assert.Empty(update.Errors);
        Assert.Equal(wanted, update.Policy);
        Assert.Equal(wanted, await deployment.Policy.GetAsync());
        // The empty fleet rose to the new minimum at once, and the new maximum holds.
        Assert.Equal(2, (await deployment.ActiveAsync()).Count);
        var grow = await deployment.Fleet.AddAsync(5);
        Assert.Single(grow.Workers);
        Assert.Equal("Added 1 of 5: the fleet has at most 3 workers.", grow.Refusal);
    }

    [Fact]
    public async Task LoweringTheMaximumDrainsTheFleetDownToIt()
    {
        var deployment = NewDeployment();
        await deployment.AddRunningAsync(3);

        var update = await deployment.Policy.UpdateAsync(PolicyCases.Custom with { MinWorkers = 1, MaxWorkers = 1 });

        Assert.True(update.Saved);
        Assert.Single(await deployment.ActiveAsync());
        Assert.Equal(2, (await deployment.Fleet.ListAsync(WorkerState.Draining)).Count
            + (await deployment.Fleet.ListAsync(WorkerState.Terminated)).Count);
    }

    [Theory]
    [MemberData(nameof(PolicyCases.Names), MemberType = typeof(PolicyCases))]
    public async Task AnInvalidUpdateIsRejectedWithAllItsMessagesAndChangesNothing(string rule)
    {
        var deployment = NewDeployment();
        Assert.True((await deployment.Policy.UpdateAsync(PolicyCases.Custom)).Saved);
        var before = (await deployment.ActiveAsync()).Count;
        var (invalid, expected) = PolicyCases.Invalid[rule];

        var update = await deployment.Policy.UpdateAsync(invalid);

        Assert.False(update.Saved);
        Assert.Equal(PolicyCases.Custom, update.Policy);
        Assert.Equal(
            expected.Select(e => new PolicyError(e.Field, e.Message)).OrderBy(e => e.Field).ThenBy(e => e.Message),
            update.Errors.OrderBy(e => e.Field).ThenBy(e => e.Message));
        Assert.Equal(PolicyCases.Custom, await deployment.Policy.GetAsync());
        // Its bounds never reached the fleet: min 3 would have added workers at once.
        Assert.Equal(1, before);
        Assert.Equal(before, (await deployment.ActiveAsync()).Count);
    }

    [Fact]
    public async Task FleetBoundsOutsideTheLimitsAreRefusedByTheFleet()
    {
        var fleet = NewDeployment().Fleet;

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fleet.SetBoundsAsync(3, 2));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fleet.SetBoundsAsync(0, 65));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => fleet.SetBoundsAsync(-1, 4));
        Assert.Empty(await fleet.ListAsync(null));
    }

    [Fact]
    public async Task FleetBoundsOutliveTheFleetsActivation()
    {
        var deployment = NewDeployment();
        await deployment.Fleet.SetBoundsAsync(0, 2);

        await fixture.Cluster.DeactivateAsync(deployment.Fleet);

        var change = await deployment.Fleet.AddAsync(3);
        Assert.Equal(2, change.Workers.Count);
        Assert.Equal("Added 2 of 3: the fleet has at most 2 workers.", change.Refusal);
        var removal = await deployment.Fleet.RemoveAsync(2);
        Assert.Equal(2, removal.Workers.Count);
    }
}
