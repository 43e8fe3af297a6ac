using FaceMask.Grains.Fleet;

namespace FaceMask.Tests.Scaling.Grains;

/// <summary>The policy's bounds in the fleet's rules, without a cluster.</summary>
public sealed class FleetBoundsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WithoutPolicyBoundsTheConfiguredOnesApply()
    {
        var book = new FleetBook(new FleetState(), new FleetOptions { MinWorkers = 1, MaxWorkers = 4 });

        Assert.Equal((1, 4), (book.MinWorkers, book.MaxWorkers));
        Assert.Equal(4, book.Add(9, T0).Workers.Count);
    }

    [Fact]
    public void PolicyBoundsReplaceTheConfiguredOnesAndARaisedMinimumAddsWorkers()
    {
        var state = new FleetState();
        var book = new FleetBook(state, new FleetOptions { MinWorkers = 1, MaxWorkers = 8 });
        book.Add(1, T0);

        var change = book.SetBounds(3, 5, T0);

        Assert.Equal(2, change.Workers.Count);
        Assert.All(change.Workers, w => Assert.Equal(WorkerState.Pending, w.State));
        Assert.Equal((3, 5), (state.MinWorkers, state.MaxWorkers));
        Assert.Equal(3, state.DesiredWorkers);
        Assert.Equal("Added 2 of 4: the fleet has at most 5 workers.", book.Add(4, T0).Refusal);
        Assert.Equal(2, book.RemovalBudget(9));
    }

    [Fact]
    public void ALoweredMaximumLeavesTheExcessToDrain()
    {
        var book = new FleetBook(new FleetState(), new FleetOptions());
        book.Add(4, T0);

        var change = book.SetBounds(1, 2, T0);

        Assert.Empty(change.Workers);
        Assert.Equal(2, book.ExcessOverMaximum);
        Assert.Empty(book.TopUp(T0, []));
    }

    [Fact]
    public void AStoppedFleetTakesTheBoundsButStartsNothing()
    {
        var state = new FleetState();
        var book = new FleetBook(state, new FleetOptions());
        book.StopAll(T0);

        var change = book.SetBounds(2, 4, T0);

        Assert.Empty(change.Workers);
        Assert.Equal(0, book.ActiveCount);
        Assert.Equal(2, book.MinWorkers);
    }

    [Theory]
    [InlineData(-1, 4)]
    [InlineData(3, 2)]
    [InlineData(0, 0)]
    [InlineData(1, 65)]
    public void BoundsOutsideTheLimitsAreRefused(int min, int max)
    {
        var state = new FleetState();
        var book = new FleetBook(state, new FleetOptions());

        Assert.Throws<ArgumentOutOfRangeException>(() => book.SetBounds(min, max, T0));
        Assert.Null(state.MinWorkers);
        Assert.Null(state.MaxWorkers);
    }
}
