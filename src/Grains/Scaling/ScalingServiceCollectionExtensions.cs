using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime;

namespace FaceMask.Grains.Scaling;

public static class ScalingServiceCollectionExtensions
{
    /// <summary>
    /// The auto-scaler in a silo: its options ("Scaler" section: <see cref="ScalerOptions.Period"/>,
    /// <see cref="ScalerOptions.EnabledAtStart"/>) and the start-up touch that brings a fresh system's scaler to life.
    /// Needs the fleet (<c>AddFleet</c>), grain storage <see cref="StorageNames.Cluster"/> and a reminder service.
    /// </summary>
    public static IServiceCollection AddScaling(this IServiceCollection services)
    {
        services.AddOptions<ScalerOptions>()
            .BindConfiguration(ScalerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, ScalerStartup>());
        return services;
    }
}
