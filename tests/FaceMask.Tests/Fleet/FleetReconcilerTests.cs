using FaceMask.Grains.Fleet;

namespace FaceMask.Tests.Fleet;

public sealed class FleetReconcilerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, bool> NoProbes = [];

    private readonly FleetOptions _options = new() { AdoptUnknownSilos = true };

    [Fact]
    public void AStartingWorkerRunsOnceItsEndpointIsActive()
    {
        var book = BookWith(Starting("w1", port: 11112));

        var outcome = Reconcile(book, [Member("worker-1", 11112, 7, SiloMemberStatus.Active)]);

        var worker = book.Workers.Single();
        Assert.True(outcome.Changed);
        Assert.Equal(WorkerState.Running, worker.State);
        Assert.Equal(7, worker.SiloGeneration);
        Assert.Equal(T0, worker.RunningSince);
    }

    [Fact]
    public void TheDeadEntryOfAnEarlierSiloOnTheSamePortIsNotTakenForANewWorker()
    {
        var book = BookWith(Starting("w1", port: 11112));

        Reconcile(book, [Member("worker-0", 11112, 3, SiloMemberStatus.Dead)]);

        Assert.Equal(WorkerState.Starting, book.Workers.Single().State);
    }

    [Fact]
    public void WithoutAnEndpointAWorkerIsMatchedByName()
    {
        var book = BookWith(Starting("w1", port: 0) with { Address = null });

        Reconcile(book, [Member("worker-9", 5000, 1, SiloMemberStatus.Active), Member("worker-1", 5002, 2, SiloMemberStatus.Active)]);

        Assert.Equal(5002, book.Workers.Single(w => w.Id == "w1").SiloPort);
    }

    [Fact]
    public void ARunningWorkerWhoseIncarnationIsDeadFailsEvenIfItsPortIsTakenAgain()
    {
        var book = BookWith(Running("w1", port: 11112, generation: 7));

        var outcome = Reconcile(book, [Member("worker-1", 11112, 7, SiloMemberStatus.Dead), Member("worker-5", 11112, 9, SiloMemberStatus.Active)]);

        Assert.Equal(WorkerState.Failed, book.Workers.Single(w => w.Id == "w1").State);
        Assert.Equal(TimeSpan.Zero, Assert.Single(outcome.Stops).Grace);
        // The unknown silo now on that port is adopted and fills the dead worker's place: no extra replacement.
        Assert.Equal("worker-5", Assert.Single(book.Workers, w => w.IsActive).Id);
    }

    [Fact]
    public void ADeadWorkerIsReplacedUpToTheDesiredSize()
    {
        var book = BookWith(Running("w1", port: 11112, generation: 7), Running("w2", port: 11114, generation: 8));

        Reconcile(book, [Member("worker-1", 11112, 7, SiloMemberStatus.Dead), Member("worker-2", 11114, 8, SiloMemberStatus.Active)]);

        Assert.Single(book.Workers, w => w.State == WorkerState.Pending && w.Detail == "replaces worker-1");
        Assert.Equal(2, book.ActiveCount);
    }

    [Fact]
    public void ARunningWorkerWhoseProcessIsGoneFailsBeforeMembershipNotices()
    {
        var book = BookWith(Running("w1", port: 11112, generation: 7));

        Reconcile(book, [Member("worker-1", 11112, 7, SiloMemberStatus.Active)], new Dictionary<string, bool> { ["w1"] = false });

        Assert.Equal("its process or instance is gone", book.Workers.Single(w => w.Id == "w1").Detail);
    }

    [Fact]
    public void AStartingWorkerWhoseProcessExitedFailsWithoutWaitingForTheDeadline()
    {
        var book = BookWith(Starting("w1", port: 11112));

        Reconcile(book, [], new Dictionary<string, bool> { ["w1"] = false });

        Assert.Equal(WorkerState.Failed, book.Workers.Single(w => w.Id == "w1").State);
        Assert.NotNull(book.State.LaunchesBlockedUntil);
    }

    [Fact]
    public void ADrainingWorkerIsAskedToStopOnceThenTerminatedWhenGone()
    {
        var book = BookWith(Running("w1", port: 11112, generation: 7) with { State = WorkerState.Draining, StateSince = T0 });
        var members = new[] { Member("worker-1", 11112, 7, SiloMemberStatus.Active) };

        var first = Reconcile(book, members);
        Assert.True(Assert.Single(first.Stops).Drain);
        Assert.Equal(_options.DrainGrace, first.Stops[0].Grace);

        book.Update(book.Workers[0], book.Workers[0] with { StopRequested = true });
        Assert.Empty(Reconcile(book, members).Stops);
        Assert.Equal(WorkerState.Draining, book.Workers[0].State);

        Reconcile(book, [members[0] with { Status = SiloMemberStatus.Dead }]);
        Assert.Equal(WorkerState.Terminated, book.Workers[0].State);
        Assert.DoesNotContain(book.Workers, w => w.State == WorkerState.Pending);
    }

    [Fact]
    public void ADrainingWorkerThatNeverConfirmsIsTerminatedAfterTheStopDeadline()
    {
        var book = BookWith(Starting("w1", port: 11112) with { State = WorkerState.Draining, StopRequested = true, StateSince = T0, Detail = "removed" });

        Reconcile(book, [], now: T0 + _options.DrainGrace + _options.StopTimeout);

        Assert.Equal(WorkerState.Terminated, book.Workers[0].State);
        Assert.StartsWith("removed; its stop was not confirmed", book.Workers[0].Detail);
    }

    [Fact]
    public void AnUnknownActiveSiloIsAdoptedUnderItsName()
    {
        var book = BookWith(Running("w1", port: 11112, generation: 7));

        Reconcile(book, [Member("worker-1-x", 11112, 7, SiloMemberStatus.Active), Member("worker-4", 11114, 8, SiloMemberStatus.Active), Member("worker-6", 11116, 2, SiloMemberStatus.Dead)]);

        var adopted = book.Workers.Single(w => w.Adopted);
        Assert.Equal("worker-4", adopted.Id);
        Assert.Equal(WorkerState.Running, adopted.State);
        Assert.Equal(5, book.State.NextNumber);
    }

    [Fact]
    public void AnAdoptedSiloCountsTowardsTheDesiredSize()
    {
        var book = BookWith();

        Reconcile(book, [Member("worker-1", 11112, 1, SiloMemberStatus.Active)]);

        Assert.Equal(1, book.State.DesiredWorkers);
        Assert.Single(book.Workers);
    }

    [Fact]
    public void AfterARestartTheNewFirstWorkerAndTheReplacementsMakeTheOldSize()
    {
        // Before: worker-1 (adopted), worker-2, worker-3. All stopped with the system; now a new worker-1 is up.
        var book = BookWith(
            Running("w2", port: 11114, generation: 20),
            Running("w3", port: 11116, generation: 30),
            Running("w1", port: 11112, generation: 10) with { Id = "worker-1", Adopted = true, InstanceId = null });
        book.State.NextNumber = 4;

        Reconcile(book,
        [
            Member("worker-1", 11112, 10, SiloMemberStatus.Dead),
            Member("worker-2", 11114, 20, SiloMemberStatus.Dead),
            Member("worker-3", 11116, 30, SiloMemberStatus.Dead),
            Member("worker-1", 11112, 40, SiloMemberStatus.Active),
        ]);

        var active = book.Workers.Where(w => w.IsActive).ToList();
        Assert.Equal(3, active.Count);
        Assert.Equal(3, book.State.DesiredWorkers);
        Assert.Single(active, w => w.Adopted && w.Id == "worker-1" && w.SiloGeneration == 40);
        Assert.Equal(2, active.Count(w => w.State == WorkerState.Pending && w.Detail!.StartsWith("replaces ", StringComparison.Ordinal)));
    }

    [Fact]
    public void NothingIsAdoptedWhenAdoptionIsOff()
    {
        var off = new FleetBook(new FleetState(), new FleetOptions { AdoptUnknownSilos = false });
        FleetReconciler.Reconcile(off, [Member("worker-1", 11112, 1, SiloMemberStatus.Active)], NoProbes, T0, new FleetOptions { AdoptUnknownSilos = false });

        Assert.Empty(off.Workers);
    }

    [Fact]
    public void ANewSiloAfterStopAllIsAdoptedAndRunsThePoolAgain()
    {
        var stopped = BookWith();
        stopped.State.Stopped = true;
        stopped.State.DesiredWorkers = 0;

        Reconcile(stopped, [Member("worker-1", 11112, 1, SiloMemberStatus.Active)]);

        var adopted = Assert.Single(stopped.Workers);
        Assert.Equal(WorkerState.Running, adopted.State);
        Assert.False(stopped.State.Stopped);
        Assert.Equal(1, stopped.State.DesiredWorkers);
    }

    private ReconcileOutcome Reconcile(FleetBook book, IReadOnlyList<SiloMember> members, IReadOnlyDictionary<string, bool>? alive = null, DateTimeOffset? now = null) =>
        FleetReconciler.Reconcile(book, members, alive ?? NoProbes, now ?? T0, _options);

    private FleetBook BookWith(params WorkerRecord[] workers)
    {
        var state = new FleetState { NextNumber = workers.Length + 1, DesiredWorkers = workers.Count(w => w.IsActive) };
        state.Workers.AddRange(workers);
        return new FleetBook(state, _options);
    }

    private static WorkerRecord Starting(string id, int port) => new()
    {
        Id = id,
        Name = "worker-" + id[1..],
        Number = int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture),
        State = WorkerState.Starting,
        StateSince = T0,
        LaunchedAt = T0,
        InstanceId = "i-" + id,
        Address = "127.0.0.1",
        SiloPort = port,
    };

    private static WorkerRecord Running(string id, int port, int generation) =>
        Starting(id, port) with { State = WorkerState.Running, SiloGeneration = generation, RunningSince = T0 };

    private static SiloMember Member(string name, int port, int generation, SiloMemberStatus status) =>
        new(name, "127.0.0.1", port, generation, status);
}
