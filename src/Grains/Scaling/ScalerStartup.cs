using FaceMask.Grains.Fleet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace FaceMask.Grains.Scaling;

/// <summary>
/// When a silo becomes active, touches the default fleet and scaler so that a fresh system's scaler activates, takes its first
/// state from <see cref="ScalerOptions.EnabledAtStart"/> and registers its reminder. Afterwards the durable reminder
/// keeps it ticking on whichever silo is alive, and this touch is a no-op. It runs in the background and retries a
/// few times: a silo's start never waits on the scaler. Only in a managed worker — worker #1 of a WebFront
/// (Worker:ParentProcessId) or one the fleet launched (Worker:Id), as <see cref="FleetWake"/> decides: a silo started
/// by hand does not wake a fleet nobody asked for, which would launch replacement workers when such a silo dies.
/// </summary>
internal sealed class ScalerStartup(IGrainFactory grains, IConfiguration configuration, ILogger<ScalerStartup> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);
    private const int Attempts = 12;

    private readonly CancellationTokenSource _stopping = new();

    public void Participate(ISiloLifecycle lifecycle)
    {
        if (string.IsNullOrEmpty(configuration["Worker:Id"]) && string.IsNullOrEmpty(configuration["Worker:ParentProcessId"]))
        {
            return;
        }

        lifecycle.Subscribe(
            nameof(ScalerStartup),
            ServiceLifecycleStage.Active,
            ct =>
            {
                _ = TouchAsync(_stopping.Token);
                return Task.CompletedTask;
            },
            ct =>
            {
                _stopping.Cancel();
                return Task.CompletedTask;
            });
    }

    private async Task TouchAsync(CancellationToken stopping)
    {
        for (var attempt = 1; attempt <= Attempts && !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                // The fleet first: its timer takes in the silos already running (the embedded worker #1) within
                // seconds, long before the scaler's first tick, which would otherwise see an empty fleet below its
                // minimum and launch a worker nobody needs.
                await grains.GetGrain<IFleetGrain>(FleetKeys.Default).ListAsync(WorkerState.Running);
                var status = await grains.GetGrain<IScalerGrain>(ScalingKeys.Default).StatusAsync();
                logger.LogInformation("Scaler {Key} is {State}, every {Period}", ScalingKeys.Default, status.Enabled ? "on" : "off", status.Period);
                return;
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "Scaler {Key} not reachable yet (attempt {Attempt})", ScalingKeys.Default, attempt);
            }

            try
            {
                await Task.Delay(RetryDelay, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
