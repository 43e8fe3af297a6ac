using System.Diagnostics;
using FaceMask.Grains.Fleet;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;

namespace FaceMask.Grains.Metrics;

/// <summary>Every few seconds, sends this silo's CPU, detection traffic and memory to its WorkerGrain.</summary>
internal sealed class WorkerMetricsReporter(
    IGrainFactory grains,
    DetectionMeter meter,
    ILocalSiloDetails silo,
    IOptions<WorkerMetricsOptions> options,
    TimeProvider time,
    ILogger<WorkerMetricsReporter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var workerId = string.IsNullOrWhiteSpace(settings.WorkerId) ? silo.Name : settings.WorkerId;
        var cores = settings.CpuCores ?? Environment.ProcessorCount;
        var worker = grains.GetGrain<IWorkerGrain>(workerId);

        var lastCpu = Environment.CpuUsage.TotalTime;
        var lastWall = Stopwatch.GetTimestamp();
        var failures = 0;
        using var timer = new PeriodicTimer(settings.Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var cpu = Environment.CpuUsage.TotalTime;
            var wallNow = Stopwatch.GetTimestamp();
            var wall = Stopwatch.GetElapsedTime(lastWall, wallNow);
            var counts = meter.TakeDelta();
            var sample = new WorkerSample(
                time.GetUtcNow(),
                wall.TotalSeconds,
                CpuAllotment.Percent(cpu - lastCpu, wall, cores),
                counts.Received,
                counts.Completed,
                counts.BytesIn,
                counts.BytesOut,
                Environment.WorkingSet);
            try
            {
                await worker.ReportAsync(sample).WaitAsync(settings.Interval * 2, stoppingToken);
                (lastCpu, lastWall, failures) = (cpu, wallNow, 0);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The next report covers this interval too: nothing is lost, the interval is just longer.
                meter.Restore(counts);
                // Expected while the silo is still joining; worth a warning only when it persists.
                logger.Log(++failures > 3 ? LogLevel.Warning : LogLevel.Debug, ex, "Could not report metrics of worker {Worker}", workerId);
            }
        }
    }
}
