using Microsoft.Extensions.Logging;

namespace FaceMask.Grains.Fleet;

/// <summary>
/// The provisioner side of a fleet tick: liveness probes, stops and launches, each bounded by
/// <see cref="FleetOptions.ProvisionerTimeout"/>. Runs inside the fleet grain's turn (no ConfigureAwait(false)).
/// </summary>
internal sealed class FleetDriver(IWorkerProvisioner provisioner, FleetOptions options, ILogger logger)
{
    /// <summary>Liveness of every launched worker still watched; one the provisioner cannot judge is left out.</summary>
    public async Task<IReadOnlyDictionary<string, bool>> ProbeAsync(FleetBook book, CancellationToken cancellationToken)
    {
        var alive = new Dictionary<string, bool>();
        foreach (var worker in book.Workers.Where(w => w.InstanceId is not null && w.State is WorkerState.Starting or WorkerState.Running or WorkerState.Draining))
        {
            try
            {
                using var deadline = Deadline(cancellationToken);
                alive[worker.Id] = await provisioner.IsAliveAsync(worker.ToInstance(), deadline.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not tell whether {Worker} is alive", worker.Name);
            }
        }

        return alive;
    }

    /// <summary>Asks for the stops; true when a drain's stop was requested (the state changed).</summary>
    public async Task<bool> StopAsync(FleetBook book, IReadOnlyList<StopOrder> stops, CancellationToken cancellationToken)
    {
        var changed = false;
        foreach (var stop in stops.Where(s => s.Drain || s.Worker.InstanceId is not null))
        {
            try
            {
                using var deadline = Deadline(cancellationToken);
                await provisioner.StopAsync(stop.Worker.ToInstance(), stop.Grace, deadline.Token);
                if (stop.Drain && book.Find(stop.Worker.Id) is { State: WorkerState.Draining } current)
                {
                    book.Update(current, current with { StopRequested = true });
                    changed = true;
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // A drain is asked again on the next tick; the clean-up stop of a failed worker is best effort.
                logger.LogWarning(ex, "Could not stop {Worker}", stop.Worker.Name);
            }
        }

        return changed;
    }

    /// <summary>Launches Pending workers, oldest first, unless launches are backing off; true when any was tried.</summary>
    public async Task<bool> LaunchPendingAsync(FleetBook book, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (book.State.LaunchesBlockedUntil > now)
        {
            return false;
        }

        var changed = false;
        foreach (var worker in book.Workers.Where(w => w.State == WorkerState.Pending).OrderBy(w => w.Number).ToList())
        {
            changed = true;
            try
            {
                using var deadline = Deadline(cancellationToken);
                var instance = await provisioner.StartAsync(new WorkerLaunch(worker.Id, worker.Name), deadline.Token);
                book.Update(worker, worker with
                {
                    State = WorkerState.Starting,
                    StateSince = now,
                    InstanceId = instance.InstanceId,
                    Address = instance.Address,
                    SiloPort = instance.SiloPort,
                    GatewayPort = instance.GatewayPort,
                    CpuQuotaActive = instance.CpuQuotaActive,
                });
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not launch {Worker}", worker.Name);
                book.Fail(worker, $"could not be launched: {ex.Message}", now, neverRan: true);
                book.TopUp(now, [worker.Name]);
                book.TrimHistory();
                break; // the others wait for the back-off
            }
        }

        return changed;
    }

    private CancellationTokenSource Deadline(CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(options.ProvisionerTimeout);
        return source;
    }
}
