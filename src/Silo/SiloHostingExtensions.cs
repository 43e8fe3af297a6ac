using System.Net;
using FaceMask.Grains.Detection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace FaceMask.Silo;

public static class SiloHostingExtensions
{
    public static HostApplicationBuilder AddFaceMaskSilo(this HostApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddMaskDetector();
        builder.Services.AddHostedService<ParentProcessWatcher>();

        var worker = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(
                siloPort: worker.SiloPort,
                gatewayPort: worker.GatewayPort,
                primarySiloEndpoint: new IPEndPoint(IPAddress.Loopback, worker.PrimarySiloPort),
                serviceId: worker.ServiceId,
                clusterId: worker.ClusterId);
            silo.Configure<SiloOptions>(o => o.SiloName = worker.Name);
        });
        return builder;
    }

    /// <summary>
    /// Stops the worker when the WebFront that launched it is gone, even after a <c>kill -9</c> that
    /// gave the WebFront no chance to stop it: a worker never outlives its embedded parent.
    /// </summary>
    private sealed class ParentProcessWatcher(
        IOptions<WorkerOptions> options, IHostApplicationLifetime lifetime, ILogger<ParentProcessWatcher> logger)
        : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (options.Value.ParentProcessId is not { } parent)
            {
                return;
            }

            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!IsAlive(parent))
                {
                    logger.LogWarning("Parent process {ParentProcessId} is gone; stopping this worker", parent);
                    lifetime.StopApplication();
                    return;
                }
            }
        }

        private static bool IsAlive(int pid)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }
}
