using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaceMask.Grains.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// Reports this silo's metrics to its WorkerGrain every <see cref="WorkerMetricsOptions.Interval"/>. The worker
    /// id is "WorkerMetrics:WorkerId", else "Worker:Id", else the silo name.
    /// </summary>
    public static IServiceCollection AddWorkerMetrics(this IServiceCollection services)
    {
        services.AddOptions<WorkerMetricsOptions>()
            .BindConfiguration(WorkerMetricsOptions.Section)
            .PostConfigure<IConfiguration>((o, configuration) => o.WorkerId ??= configuration["Worker:Id"])
            .Validate(o => o.Interval > TimeSpan.Zero, "WorkerMetrics:Interval must be positive.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<DetectionMeter>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<WorkerMetricsReporter>();
        return services;
    }
}
