using FaceMask.Grains.Fleet;
using Microsoft.Extensions.Logging;

namespace FaceMask.Grains.Scaling;

/// <summary>
/// What a tick observes of a fleet: every booting (Pending/Starting) and serving (Running) worker, and for each
/// serving one its arrival rate over the last <see cref="ScalerOptions.ArrivalWindow"/> (a minute) and its CPU and
/// completed rate over the last <see cref="ScalerOptions.CpuWindow"/> (two). A worker whose metrics fail, come late or
/// cover no time gives a missing metric (null), never a zero. The observations carry the capacity window for Decide.
/// </summary>
public sealed class ScalerInputs(IGrainFactory grains, ScalerOptions options, ILogger logger)
{
    public async Task<ScalerObservations> ObserveAsync(IFleetGrain fleet, DateTimeOffset now)
    {
        var workers = (await fleet.ListAsync(null))
            .Where(w => w.State is WorkerState.Pending or WorkerState.Starting or WorkerState.Running)
            .OrderBy(w => w.Name, StringComparer.Ordinal)
            .ToList();
        var observed = await Task.WhenAll(workers.Select(ObserveAsync));
        return new ScalerObservations(now, observed) { CapacityWindow = options.CapacityWindow };
    }

    private async Task<WorkerObservation> ObserveAsync(WorkerInfo worker)
    {
        if (worker.State != WorkerState.Running)
        {
            return new WorkerObservation(worker.Id, Serving: false, null, null, null);
        }

        var metrics = grains.GetGrain<IWorkerGrain>(worker.Id);
        var arrivals = WindowAsync(metrics, worker.Id, options.ArrivalWindow);
        var recent = WindowAsync(metrics, worker.Id, options.CpuWindow);
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
            return await metrics.WindowAsync(window).WaitAsync(options.MetricsTimeout);
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "No {Window} metrics from worker {Worker}", window, workerId);
            return null;
        }
    }
}
