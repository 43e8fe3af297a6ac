namespace FaceMask.Grains.Fleet;

/// <summary>What the fleet asks a provisioner to launch: the worker's id (its metrics key) and silo name.</summary>
public sealed record WorkerLaunch(string WorkerId, string Name);

/// <summary>
/// A launched worker. <see cref="Address"/> and the ports are what its silo will advertise in cluster membership
/// (the fleet matches on them; when <see cref="Address"/> is null or <see cref="SiloPort"/> is 0 it matches the
/// silo name instead).
/// </summary>
public sealed record WorkerInstance(
    string WorkerId,
    string Name,
    string? InstanceId,
    string? Address,
    int SiloPort,
    int GatewayPort,
    bool CpuQuotaActive = false);

/// <summary>
/// Starts and stops worker machines or processes for the fleet. Every call must return quickly — the fleet calls
/// it from a grain timer that blocks the grain while it waits: start returns once the process or instance is
/// launched, not once it has joined the cluster (the fleet watches membership for that), and stop returns once
/// the stop has begun.
/// </summary>
public interface IWorkerProvisioner
{
    /// <summary>
    /// Launches a worker whose silo is named <see cref="WorkerLaunch.Name"/> and reports metrics as
    /// <see cref="WorkerLaunch.WorkerId"/>. Should be idempotent per worker id: after a fleet failover the same
    /// Pending worker may be launched again, and an existing instance for it should be returned.
    /// </summary>
    Task<WorkerInstance> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken);

    /// <summary>
    /// Begins a graceful stop and returns: the worker stops taking new work (an Orleans silo's graceful shutdown
    /// closes its gateway; on AWS also deregistration from the target group), finishes in-flight requests, and
    /// is killed if it is still there after <paramref name="grace"/>. A zero grace means kill now.
    /// </summary>
    Task StopAsync(WorkerInstance instance, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>False when the process or instance is known to be gone; true when it is alive or unknown.</summary>
    Task<bool> IsAliveAsync(WorkerInstance instance, CancellationToken cancellationToken);
}
