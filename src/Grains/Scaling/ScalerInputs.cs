using FaceMask.Grains.Fleet;
using Microsoft.Extensions.Logging;

namespace FaceMask.Grains.Scaling;

/// <summary>
/// What a tick observes of a fleet: every booting (Pending/Starting) and serving (Running) worker, and for each
/// serving one its arrival rate over the last minute and its CPU and completed rate over the last two. A worker
/// whose metrics fail, come late or cover no time gives a missing metric (null), never a zero.
/// </summary>
public sealed class ScalerInputs(IGrainFactory grains, TimeSpan timeout, ILogger logger)
{
    public static readonly TimeSpan ArrivalWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan CpuWindow = TimeSpan.FromMinutes(2);

    public async Task<ScalerObservations> ObserveAsync(IFleetGrain fleet, DateTimeOffset now)
    {
        var workers = (await fleet.ListAsync(null))
            .Where(w => w.State is WorkerState.Pending or WorkerState.Starting or WorkerState.Running)
            .OrderBy(w => w.Name, StringComparer.Ordinal)
            .ToList();
        var observed = await Task.WhenAll(workers.Select(ObserveAsync));
        return new ScalerObservations(now, observed);
    }

    private async Task<WorkerObservation> ObserveAsync(WorkerInfo worker)
    {
        if (worker.State != WorkerState.Running)
        {
            return new WorkerObservation(worker.Id, Serving: false, null, null, null);
        }

        var metrics = grains.GetGrain<IWorkerGrain>(worker.Id);
        var arrivals = WindowAsync(metrics, worker.Id, ArrivalWindow);
        var recent = WindowAsync(metrics, worker.Id, CpuWindow);
        var (last, two) = (await arrivals, await recent);
        return new WorkerObservation(
            worker.Id,
            Serving: true,
            two?.CpuPercent,
            last is { CoveredSeconds: > 0 } ? last.ReceivedPerSecond : null,
            two is { CoveredSeconds: > 0 } ? two.CompletedPerSecond : null);
    }

    private async Task<WorkerWindow?> WindowAsync(IWorkerGrain metrics, string workerId, TimeSpan window)
    {
        try
        {
            return await metrics.WindowAsync(window).WaitAsync(timeout);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "No {Window} metrics from worker {Worker}", window, workerId);
            return null;
        }
    }
}
