using System.ComponentModel.DataAnnotations;
using FaceMask.Grains.Fleet;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Cluster;

/// <summary>How many workers a freshly started embedded default runs ("Fleet" section, read by WebFront).</summary>
public sealed class InitialFleetOptions
{
    public const string Section = "Fleet";

    [Range(1, 64)]
    public int InitialWorkers { get; set; } = 1;
}

/// <summary>
/// After the client connects: when this WebFront started worker #1 and the fleet has no worker yet (a
/// fresh system), ask the fleet for the rest of <see cref="InitialFleetOptions.InitialWorkers"/>. A
/// restarted system keeps the worker set it had, so nothing is added then.
/// </summary>
public sealed class FleetStartup(
    EmbeddedWorker embedded, IClusterClient cluster, IOptions<InitialFleetOptions> options, ILogger<FleetStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (embedded.WorkerProcessId is null || options.Value.InitialWorkers <= 1)
        {
            return;
        }

        var fleet = cluster.GetGrain<IFleetGrain>(FleetKeys.Default);
        var workers = await fleet.ListAsync(null);
        if (workers.Any(w => IsActive(w) && w.Name != EmbeddedWorker.FirstWorkerName))
        {
            return;
        }

        // Worker #1 joins the set on one of the fleet's next ticks (adopted). Waiting for that keeps the
        // numbering of the workers added below from starting at 1 again.
        var deadline = DateTime.UtcNow + AdoptionWait;
        while (!workers.Any(w => IsActive(w) && w.Name == EmbeddedWorker.FirstWorkerName) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            workers = await fleet.ListAsync(null);
        }

        var change = await fleet.AddAsync(options.Value.InitialWorkers - 1);
        logger.LogInformation("Starting with {Count} more worker(s){Refusal}", change.Workers.Count, change.Refusal is null ? "" : ": " + change.Refusal);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static readonly TimeSpan AdoptionWait = TimeSpan.FromSeconds(20);

    private static bool IsActive(WorkerInfo worker) =>
        worker.State is WorkerState.Pending or WorkerState.Starting or WorkerState.Running or WorkerState.Draining;
}
