using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace FaceMask.Grains.Fleet;

/// <summary>
/// In a worker the fleet launched (it has a "Worker:Id"): when a silo of the cluster is declared dead, wakes the fleet.
/// Its grain may have died with that silo — the first worker usually hosts it — and its reminder would bring it back
/// only within a minute, so the dead worker's replacement would wait for it. A silo started by hand does not wake a
/// fleet nobody asked for.
/// </summary>
internal sealed class FleetWake(
    IClusterMembershipService membership,
    IGrainFactory grains,
    IConfiguration configuration,
    ILogger<FleetWake> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.IsNullOrEmpty(configuration["Worker:Id"]))
        {
            return;
        }

        var dead = membership.CurrentSnapshot.Members.Where(m => m.Value.Status == SiloStatus.Dead).Select(m => m.Key).ToHashSet();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var died = snapshot.Members.Where(m => m.Value.Status == SiloStatus.Dead && dead.Add(m.Key)).Select(m => m.Value.Name).ToList();
                if (died.Count > 0)
                {
                    await WakeAsync(died);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WakeAsync(IReadOnlyList<string> died)
    {
        try
        {
            // Any call activates the fleet; its next tick marks the dead worker Failed and launches a replacement.
            await grains.GetGrain<IFleetGrain>(FleetKeys.Default).ListAsync(WorkerState.Running).WaitAsync(TimeSpan.FromSeconds(10));
            logger.LogInformation("Woke the fleet after {Silos} died", string.Join(", ", died));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The next death, a manager call or the fleet's reminder wakes it later.
            logger.LogWarning(ex, "Could not wake the fleet after {Silos} died", string.Join(", ", died));
        }
    }
}
