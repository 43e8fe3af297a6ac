using FaceMask.Grains.Fleet;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaceMask.Tests.Fleet;

public sealed class FleetOptionsTests
{
    [Fact]
    public void DefaultsAreOneToEightWorkers()
    {
        var options = Resolve([]);

        Assert.Equal(1, options.MinWorkers);
        Assert.Equal(8, options.MaxWorkers);
        Assert.Equal(TimeSpan.FromSeconds(10), options.DrainGrace);
    }

    [Fact]
    public void BoundsComeFromTheFleetSection()
    {
        var options = Resolve(new() { ["Fleet:MinWorkers"] = "2", ["Fleet:MaxWorkers"] = "5", ["Fleet:StartTimeout"] = "00:01:30" });

        Assert.Equal((2, 5, TimeSpan.FromSeconds(90)), (options.MinWorkers, options.MaxWorkers, options.StartTimeout));
    }

    [Fact]
    public void AMinimumAboveTheMaximumFailsWithAClearMessage()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Fleet:MinWorkers"] = "9", ["Fleet:MaxWorkers"] = "8" }));

        Assert.Contains("Fleet:MinWorkers (9) cannot exceed Fleet:MaxWorkers (8).", error.Message);
    }

    private static FleetOptions Resolve(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddFleet();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<FleetOptions>>().Value;
    }
}
