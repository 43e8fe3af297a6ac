using FaceMask.Grains.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FaceMask.Grains.Detection;

public static class DetectionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the process-wide detector and loads the model during start-up, so a missing or wrong
    /// model stops the silo before it joins the cluster.
    /// </summary>
    public static IServiceCollection AddMaskDetector(this IServiceCollection services)
    {
        services.AddOptions<DetectorOptions>()
            .BindConfiguration(DetectorOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<MaskDetector>();
        services.TryAddSingleton<DetectionMeter>();
        services.AddHostedService<DetectorLoader>();
        return services;
    }

    private sealed class DetectorLoader(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<MaskDetector>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
