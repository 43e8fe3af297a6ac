using System.Diagnostics;

namespace FaceMask.IntegrationTests.Fleet;

/// <summary>
/// The embedded default with a fleet of three real worker processes, under load on <c>/api/cpuTest</c>: the load
/// spreads over every worker, a worker removed from the manager API drains without failing a request, and a worker
/// killed with <c>kill -9</c> (worker #1 included) is replaced while requests keep being answered. The tests share
/// one system; each starts by bringing it back to three workers that WebFront sends detections to.
/// </summary>
[Trait("Category", "Fleet")]
public sealed class FleetFailoverTests(FleetSystem fleet) : IClassFixture<FleetSystem>
{
    private const int Clients = 6;

    /// <summary>Longest any request may take: no call may hang until Orleans' 30 s response timeout.</summary>
    private static readonly TimeSpan SlowestAnswer = TimeSpan.FromSeconds(10);

    /// <summary>Replacement of a dead worker, from the kill to its successor's silo Active in membership.</summary>
    private static readonly TimeSpan Replacement = TimeSpan.FromSeconds(60);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task LoadOnCpuTestSpreadsOverAllThreeWorkers()
    {
        var running = await fleet.ReadyAsync();

        await using var load = DetectionLoad.Start(fleet.Address, Clients, maxRequests: 300);
        var shots = await load.CompletionAsync();

        Output?.WriteLine(DetectionLoad.Describe(shots));
        Assert.All(shots, s => Assert.True(s.Succeeded, $"status {s.Status}: {s.Error}"));
        var byWorker = DetectionLoad.ByWorker(shots);
        Assert.Equal(running.Select(w => w.Name).Order(), byWorker.Keys.Order());
        Assert.All(byWorker, p => Assert.True(p.Value >= shots.Count * 0.2, $"{p.Key} ran only {p.Value} of {shots.Count} requests"));
    }

    [Fact]
    public async Task RemovingAWorkerUnderLoadFailsNoRequestAndEndsItsProcess()
    {
        var running = await fleet.ReadyAsync();
        var victim = running.First(w => w.Pid is not null);
        await using var load = DetectionLoad.Start(fleet.Address, Clients);
        await UntilAsync(() => load.Shots.Count(s => s.Worker == victim.Name) >= 10, "the load never reached the victim");

        var removedAt = load.Now;
        Assert.Equal(200, await fleet.Manager.RemoveAsync(victim.Id));
        await UntilAsync(async () => (await StateOfAsync(victim.Id)) == "Terminated", $"{victim.Name} never became Terminated", Replacement);
        var terminatedAt = load.Now;
        await UntilAsync(() => !ClusterProcesses.IsAlive(victim.Pid!.Value), $"{victim.Name}'s process {victim.Pid} is still there");
        await UntilAsync(() => load.Shots.Count(s => s.Started > terminatedAt && s.Succeeded) >= 30, "requests stopped being answered");
        var shots = await load.StopAsync();

        Output?.WriteLine($"removed {victim.Name} at {removedAt.TotalSeconds:0.0} s; Terminated after {(terminatedAt - removedAt).TotalSeconds:0.0} s");
        Output?.WriteLine(DetectionLoad.Describe(shots));
        Assert.All(shots, s => Assert.True(s.Succeeded, DetectionLoad.Describe(shots)));
        Assert.All(shots, s => Assert.True(s.Ended - s.Started < SlowestAnswer, $"a request took {(s.Ended - s.Started).TotalSeconds:0.0} s"));
        Assert.DoesNotContain(shots, s => s.Worker == victim.Name && s.Started > terminatedAt);
    }

    [Fact]
    public async Task KilledWorkerIsFailedAndReplacedWithinAMinuteWhileRequestsAreServed()
    {
        var running = await fleet.ReadyAsync();
        var victim = running.First(w => w.Pid is not null);

        await KillUnderLoadAsync(running, victim, victim.Pid!.Value);
    }

    [Fact]
    public async Task KilledFirstWorkerIsFailedAndReplacedWithinAMinuteWhileRequestsAreServed()
    {
        var running = await fleet.ReadyAsync();
        var victim = running.Single(w => w.Name == "worker-1");
        var pid = ClusterProcesses.FirstWorker(fleet.System.SqlitePath);
        Assert.NotNull(pid);

        await KillUnderLoadAsync(running, victim, pid.Value);
    }

    /// <summary>
    /// <c>kill -9</c> under load. The replacement is watched in the cluster's file and through the load only — not
    /// through the manager API, whose calls would wake the fleet if its grain died with the victim — and then the
    /// fleet's account is checked: the victim Failed, a successor Running.
    /// </summary>
    private async Task KillUnderLoadAsync(IReadOnlyList<WorkerView> running, WorkerView victim, int pid)
    {
        var before = fleet.Membership.Active().Select(g => g.Endpoint).ToHashSet();
        await using var load = DetectionLoad.Start(fleet.Address, Clients);
        await UntilAsync(() => load.Shots.Count(s => s.Worker == victim.Name) >= 10, "the load never reached the victim");

        var retriesBefore = Retries();
        var killedAt = load.Now;
        var clock = Stopwatch.StartNew();
        Processes.Signal(pid, "KILL");
        await UntilAsync(
            () => fleet.Membership.Active().Any(g => !before.Contains(g.Endpoint)),
            $"no replacement of {victim.Name} became Active within {Replacement}:\n{fleet.System.Log}",
            Replacement);
        var replacedAfter = clock.Elapsed;
        IReadOnlyList<WorkerView> workers = [];
        await UntilAsync(
            async () =>
            {
                workers = await fleet.Manager.WorkersAsync();
                return workers.Count(w => w.State == "Running") == FleetSystem.Workers;
            },
            "the fleet did not count the replacement as Running");
        var successor = workers.Where(w => w.State == "Running" && running.All(r => r.Id != w.Id)).ToList();
        await UntilAsync(() => successor.Any(w => load.Shots.Any(s => s.Worker == w.Name)), "the replacement never ran a detection");
        var servedAfter = clock.Elapsed;
        var shots = await load.StopAsync();

        Output?.WriteLine($"kill -9 {victim.Name} (pid {pid}); successor's silo Active after {replacedAfter.TotalSeconds:0.0} s, serving after {servedAfter.TotalSeconds:0.0} s");
        Output?.WriteLine(string.Join(Environment.NewLine, workers));
        var slowest = shots.Where(s => s.Started > killedAt).Max(s => s.Ended - s.Started);
        Output?.WriteLine(DetectionLoad.Describe(shots) + $"; slowest answer after the kill {slowest.TotalSeconds:0.00} s");
        var (lossRetries, refusalRetries) = Retries();
        Output?.WriteLine($"WebFront asked again {lossRetries - retriesBefore.Losses} times after losing a gateway, {refusalRetries - retriesBefore.Refusals} times after a refusal");
        Assert.Equal("Failed", workers.Single(w => w.Id == victim.Id).State);
        Assert.Single(successor);
        Assert.Equal(FleetSystem.Workers, workers.Count(w => w.State == "Running"));
        var afterKill = shots.Where(s => s.Started > killedAt).ToList();
        Assert.True(afterKill.Count(s => s.Succeeded) >= 20, DetectionLoad.Describe(shots));
        Assert.All(shots, s => Assert.True(s.Succeeded, DetectionLoad.Describe(shots)));
        Assert.All(shots, s => Assert.True(s.Ended - s.Started < SlowestAnswer, $"a request took {(s.Ended - s.Started).TotalSeconds:0.0} s"));
    }

    /// <summary>WebFront's own account (its log) of detections it asked again.</summary>
    private (int Losses, int Refusals) Retries() =>
        (fleet.System.Log.Count("A gateway was lost while detection call"), fleet.System.Log.Count("asking another worker") - fleet.System.Log.Count("A gateway was lost while detection call"));

    private async Task<string?> StateOfAsync(string id) =>
        (await fleet.Manager.WorkersAsync()).FirstOrDefault(w => w.Id == id)?.State;

    private static Task UntilAsync(Func<bool> condition, string failure, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), failure, deadline);

    private static async Task UntilAsync(Func<Task<bool>> condition, string failure, TimeSpan? deadline = null)
    {
        if (!await Processes.EventuallyAsync(condition, deadline ?? TimeSpan.FromSeconds(30)))
        {
            Assert.Fail(failure);
        }
    }
}
