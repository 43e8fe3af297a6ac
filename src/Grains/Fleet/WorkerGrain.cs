using Microsoft.Extensions.DependencyInjection;

namespace FaceMask.Grains.Fleet;

/// <summary>
/// A worker's metrics, kept in memory on purpose: the worker rewrites them every 5 s, so persisting would put a
/// storage write on every report for data that rebuilds itself (the scaler's 2-minute average is back two
/// minutes after a failover; the hour of charts shows the lost part as gaps, which is the truth).
/// </summary>
public sealed class WorkerGrain([FromKeyedServices(FleetTime.Key)] TimeProvider time) : Grain, IWorkerGrain
{
    private readonly WorkerMetricsHistory _history = new();

    public Task ReportAsync(WorkerSample sample)
    {
        _history.Add(sample, time.GetUtcNow());
        return Task.CompletedTask;
    }

    public Task<double?> AverageCpuAsync(TimeSpan window) =>
        Task.FromResult(_history.AverageCpu(time.GetUtcNow(), window));

    public Task<WorkerWindow> WindowAsync(TimeSpan window) =>
        Task.FromResult(_history.Window(time.GetUtcNow(), window));

    public Task<WorkerSample?> LatestAsync() => Task.FromResult(_history.Latest(time.GetUtcNow()));

    public Task<WorkerSeries> SeriesAsync(int minutes) => Task.FromResult(_history.Series(time.GetUtcNow(), minutes));
}
