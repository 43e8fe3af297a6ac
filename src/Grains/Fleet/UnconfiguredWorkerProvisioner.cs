namespace FaceMask.Grains.Fleet;

/// <summary>
/// The provisioner of a silo host that registered none: the fleet still adopts and watches the silos that join,
/// but every launch fails with a message that says why.
/// </summary>
internal sealed class UnconfiguredWorkerProvisioner : IWorkerProvisioner
{
    public Task<WorkerInstance> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("No worker provisioner is configured on this silo.");

    public Task StopAsync(WorkerInstance instance, TimeSpan grace, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> IsAliveAsync(WorkerInstance instance, CancellationToken cancellationToken) => Task.FromResult(true);
}
