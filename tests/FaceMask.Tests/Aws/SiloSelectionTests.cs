using FaceMask.Grains.Fleet;
using FaceMask.Grains.Fleet.Aws;
using FaceMask.Grains.Fleet.Local;
using FaceMask.Silo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FaceMask.Tests.Aws;

public sealed class SiloSelectionTests
{
    [Theory]
    [InlineData("Aws", typeof(Ec2WorkerProvisioner))]
    [InlineData(null, typeof(LocalWorkerProvisioner))]
    public void FleetProvisionerSelectsTheWorkerProvisionerOfTheSilo(string? provisioner, Type expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:SqlitePath"] = Path.Combine(Path.GetTempPath(), "facemask-selection-" + Guid.NewGuid().ToString("N") + ".db"),
            ["Fleet:Provisioner"] = provisioner,
            ["Fleet:Aws:Region"] = "eu-west-1",
            ["Fleet:Aws:ImageId"] = "ami-0123456789abcdef0",
            ["Fleet:Aws:DeregistrationDelay"] = "00:00:20",
        });
        builder.Services.AddSingleton<Amazon.Runtime.AWSCredentials>(new Amazon.Runtime.BasicAWSCredentials("AKIDX", "secret"));

        builder.AddFaceMaskSilo();
        using var host = builder.Build();

        Assert.IsType(expected, host.Services.GetRequiredService<IWorkerProvisioner>());
    }

    [Fact]
    public void OnAwsTheSiloAdvertisesTheWorkersPrivateAddressAndListensOnEveryInterface()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:SqlitePath"] = Path.Combine(Path.GetTempPath(), "facemask-selection-" + Guid.NewGuid().ToString("N") + ".db"),
            ["Fleet:Provisioner"] = "Aws",
            ["Fleet:Aws:Region"] = "eu-west-1",
            ["Fleet:Aws:ImageId"] = "ami-0123456789abcdef0",
            ["Worker:Address"] = "10.0.1.17",
            ["Worker:SiloPort"] = "11111",
            ["Worker:GatewayPort"] = "30000",
        });

        builder.AddFaceMaskSilo();
        using var host = builder.Build();

        var endpoints = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Orleans.Configuration.EndpointOptions>>().Value;
        Assert.Equal(System.Net.IPAddress.Parse("10.0.1.17"), endpoints.AdvertisedIPAddress);
        Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.Any, 11111), endpoints.SiloListeningEndpoint);
        Assert.Equal(new System.Net.IPEndPoint(System.Net.IPAddress.Any, 30000), endpoints.GatewayListeningEndpoint);
    }
}
