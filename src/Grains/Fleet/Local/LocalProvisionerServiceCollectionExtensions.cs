using Microsoft.Extensions.DependencyInjection;

namespace FaceMask.Grains.Fleet.Local;

public static class LocalProvisionerServiceCollectionExtensions
{
    /// <summary>Workers as Silo processes on this machine ("Fleet:Local" section); replaces any other provisioner.</summary>
    public static IServiceCollection AddLocalWorkerProvisioner(this IServiceCollection services)
    {
        services.AddOptions<LocalProvisionerOptions>()
            .BindConfiguration(LocalProvisionerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<LocalWorkerProvisioner>();
        services.AddSingleton<IWorkerProvisioner>(sp => sp.GetRequiredService<LocalWorkerProvisioner>());
        return services;
    }
}
