using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaceMask.Grains.Fleet;

public static class FleetServiceCollectionExtensions
{
    /// <summary>
    /// What the fleet and worker grains need in every silo: options ("Fleet" section), the fleet clock and the
    /// membership view, and in workers the fleet launched, a wake-up of the fleet when a silo dies. Register an
    /// <see cref="IWorkerProvisioner"/> too; without one, launches fail with a clear message and the fleet only adopts
    /// the silos that join.
    /// </summary>
    public static IServiceCollection AddFleet(this IServiceCollection services)
    {
        services.AddOptions<FleetOptions>()
            .BindConfiguration(FleetOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddKeyedSingleton(FleetTime.Key, TimeProvider.System);
        services.TryAddSingleton<IFleetMembership, OrleansFleetMembership>();
        services.TryAddSingleton<IWorkerProvisioner, UnconfiguredWorkerProvisioner>();
        services.AddHostedService<FleetWake>();
        return services;
    }
}
