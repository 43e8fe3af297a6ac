using FaceMask.WebFront.Cluster;

namespace FaceMask.IntegrationTests.Fleet;

/// <summary>
/// The embedded default started with a fleet of workers and an administrator, plus what the fleet tests need to
/// watch it: the manager API, the cluster's membership in its file, and the worker processes in /proc.
/// </summary>
public sealed class FleetSystem : IAsyncLifetime
{
    public const int Workers = 3;
    public const string AdminName = "fleet-admin";
    private const string AdminPassword = "fleet-admin-password";

    /// <summary>How long a new worker may take to come up and be seen by WebFront's client (it re-reads gateways every 10 s).</summary>
    public static readonly TimeSpan WorkerStart = TimeSpan.FromSeconds(60);

    public FleetSystem()
        : this(Workers, [], null)
    {
    }

    private FleetSystem(int workers, IReadOnlyList<string> settings, string? dataDirectory)
    {
        System = EmbeddedSystem.With(
            [$"--Fleet:InitialWorkers={workers}", $"--Admin:Username={AdminName}", $"--Admin:Password={AdminPassword}", .. settings],
            dataDirectory);
    }

    public EmbeddedSystem System { get; }

    /// <summary>The manager API; usable once the system has started.</summary>
    public ManagerClient Manager => field ??= new ManagerClient(System.Http, AdminName, AdminPassword);

    public Uri Address => new($"http://127.0.0.1:{System.HttpPort}");

    /// <summary>Gateways listed Active in the cluster's file: membership, read without asking the fleet.</summary>
    public ClusterGateways Membership => new(System.SqlitePath, "facemask");

    /// <summary>A system on <paramref name="dataDirectory"/> (the folder of an earlier, stopped one), which the caller deletes.</summary>
    public static FleetSystem On(string dataDirectory) => new(Workers, [], dataDirectory);

    /// <summary>A fresh system of <paramref name="workers"/> (Fleet:InitialWorkers) with more command-line settings for WebFront (and through it, the workers).</summary>
    public static FleetSystem With(int workers, IReadOnlyList<string> settings) => new(workers, settings, null);

    public async ValueTask InitializeAsync()
    {
        await System.InitializeAsync();
    }

    /// <summary>
    /// Brings the fleet to <paramref name="count"/> Running workers (adding some if a test removed or lost one) and
    /// waits until WebFront's client sends detections to every one of them.
    /// </summary>
    public async Task<IReadOnlyList<WorkerView>> ReadyAsync(int count = Workers)
    {
        var active = (await Manager.WorkersAsync()).Count(w => w.State is "Pending" or "Starting" or "Running");
        if (active < count)
        {
            await Manager.AddAsync(count - active);
        }

        var running = await WaitForRunningAsync(count);
        await WaitUntilServedByAsync(running.Select(w => w.Name).ToList());
        return running;
    }

    /// <summary>
    /// Waits until exactly <paramref name="count"/> workers are Running, none is on its way in or out, and
    /// <paramref name="also"/> holds for the Running ones.
    /// </summary>
    public async Task<IReadOnlyList<WorkerView>> WaitForRunningAsync(int count = Workers, Func<IReadOnlyList<WorkerView>, bool>? also = null)
    {
        IReadOnlyList<WorkerView> workers = [];
        var ready = await Processes.EventuallyAsync(
            async () =>
            {
                workers = await Manager.WorkersAsync();
                var running = workers.Where(w => w.State == "Running").ToList();
                return running.Count == count
                    && !workers.Any(w => w.State is "Pending" or "Starting" or "Draining")
                    && (also is null || also(running));
            },
            WorkerStart);
        if (!ready)
        {
            Assert.Fail($"the fleet did not reach {count} Running workers:\n{string.Join("\n", workers)}\n{System.Log}");
        }

        return workers.Where(w => w.State == "Running").ToList();
    }

    /// <summary>Polls with short bursts of detections until each of <paramref name="names"/> has answered within one burst.</summary>
    public async Task WaitUntilServedByAsync(IReadOnlyList<string> names)
    {
        IReadOnlyDictionary<string, int> seen = new Dictionary<string, int>();
        var served = await Processes.EventuallyAsync(
            async () =>
            {
                await using var burst = DetectionLoad.Start(Address, clients: 3, maxRequests: 4 * names.Count);
                seen = DetectionLoad.ByWorker(await burst.CompletionAsync());
                return names.All(seen.ContainsKey);
            },
            WorkerStart);
        Assert.True(served, $"WebFront did not send detections to all of {string.Join(", ", names)}; last burst: {string.Join(", ", seen)}");
    }

    public async ValueTask DisposeAsync()
    {
        await System.DisposeAsync();
        ClusterProcesses.KillAll(System.SqlitePath);
    }
}
