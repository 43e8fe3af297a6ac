using System.Collections.Concurrent;
using FaceMask.Grains.Fleet;

namespace FaceMask.Tests.Fleet;

/// <summary>
/// The fake of our two fleet ports, shared by every silo of the test cluster: a provisioner that records its calls
/// and a membership the test drives — a launched worker joins only when the test says so (or never), and can die.
/// </summary>
public sealed class FakeWorkerWorld : IWorkerProvisioner, IFleetMembership
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, FakeWorker> _workers = [];
    private int _nextPort = 20_000;
    private int _nextGeneration = 1;

    public ConcurrentQueue<WorkerLaunch> Starts { get; } = new();

    public ConcurrentQueue<(WorkerInstance Instance, TimeSpan Grace)> Stops { get; } = new();

    public bool IsLaunched(string workerId)
    {
        lock (_gate)
        {
            return _workers.ContainsKey(workerId);
        }
    }

    /// <summary>The worker's silo becomes Active in membership.</summary>
    public void Join(string workerId)
    {
        lock (_gate)
        {
            var worker = _workers[workerId];
            worker.Member = new SiloMember(worker.Instance.Name, worker.Instance.Address!, worker.Instance.SiloPort, _nextGeneration++, SiloMemberStatus.Active);
        }
    }

    /// <summary>The worker's process is gone and its silo declared dead, as after a kill -9.</summary>
    public void Die(string workerId)
    {
        lock (_gate)
        {
            var worker = _workers[workerId];
            worker.Alive = false;
            worker.Member = worker.Member is { } member ? member with { Status = SiloMemberStatus.Dead } : null;
        }
    }

    public IReadOnlyList<TimeSpan> StopsOf(string workerId) =>
        Stops.Where(s => s.Instance.WorkerId == workerId).Select(s => s.Grace).ToList();

    public Task<WorkerInstance> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Starts.Enqueue(launch);
            if (!_workers.TryGetValue(launch.WorkerId, out var worker))
            {
                var port = _nextPort;
                _nextPort += 2;
                worker = new FakeWorker(new WorkerInstance(launch.WorkerId, launch.Name, $"fake-{port}", "127.0.0.1", port, port + 1, CpuQuotaActive: true));
                _workers[launch.WorkerId] = worker;
            }

            return Task.FromResult(worker.Instance);
        }
    }

    public Task StopAsync(WorkerInstance instance, TimeSpan grace, CancellationToken cancellationToken)
    {
        Stops.Enqueue((instance, grace));
        lock (_gate)
        {
            if (_workers.TryGetValue(instance.WorkerId, out var worker))
            {
                worker.Alive = false;
                worker.Member = worker.Member is { } member ? member with { Status = SiloMemberStatus.Dead } : null;
            }
        }

        return Task.CompletedTask;
    }

    public Task<bool> IsAliveAsync(WorkerInstance instance, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_workers.TryGetValue(instance.WorkerId, out var worker) && worker.Alive);
        }
    }

    public ValueTask<IReadOnlyList<SiloMember>> GetMembersAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<SiloMember> members = _workers.Values.Select(w => w.Member).OfType<SiloMember>().ToList();
            return ValueTask.FromResult(members);
        }
    }

    private sealed class FakeWorker(WorkerInstance instance)
    {
        public WorkerInstance Instance { get; } = instance;

        public SiloMember? Member { get; set; }

        public bool Alive { get; set; } = true;
    }
}
