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
}
