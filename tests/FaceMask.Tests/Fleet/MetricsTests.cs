using FaceMask.Grains.Fleet;
using FaceMask.Grains.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace FaceMask.Tests.Fleet;

public sealed class MetricsTests
{
    [Theory]
    [InlineData(2.5, 5, 1, 50)]
    [InlineData(2.5, 5, 0.5, 100)]
    [InlineData(4, 5, 2, 40)]
    [InlineData(0, 5, 2, 0)]
    public void CpuIsMeasuredAgainstTheAllottedCores(double cpuSeconds, double wallSeconds, double cores, double percent) =>
        Assert.Equal(percent, CpuAllotment.Percent(TimeSpan.FromSeconds(cpuSeconds), TimeSpan.FromSeconds(wallSeconds), cores), 9);

    [Fact]
    public void TheMeterHandsOutDeltasAndTakesBackUnreportedOnes()
    {
        var meter = new DetectionMeter();
        meter.Arrived(1000);
        meter.Arrived(500);
        meter.Completed(300);

        var first = meter.TakeDelta();
        Assert.Equal(new DetectionCounts(2, 1, 1500, 300), first);
        Assert.Equal(1, meter.InFlight);

        meter.Restore(first);
        meter.Completed(200);
        Assert.Equal(new DetectionCounts(2, 2, 1500, 500), meter.TakeDelta());
        Assert.Equal(default, meter.TakeDelta());
        Assert.Equal(0, meter.InFlight);
    }

    [Fact]
    public async Task TheMeterCountsConcurrentRequestsExactly()
    {
        var meter = new DetectionMeter();
        await Parallel.ForAsync(0, 10_000, TestContext.Current.CancellationToken, (_, _) =>
        {
            meter.Arrived(3);
            meter.Completed(5);
            return ValueTask.CompletedTask;
        });

        Assert.Equal(new DetectionCounts(10_000, 10_000, 30_000, 50_000), meter.TakeDelta());
    }
}

[Collection(FleetCollection.Name)]
public sealed class OrleansFleetMembershipTests(FleetClusterFixture fixture)
{
    [Fact]
    public async Task ReadsTheSilosOwnMembershipView()
    {
        var silos = fixture.Cluster.Silos.Select(s => s.SiloAddress).ToList();
        var services = fixture.Cluster.GetSiloServiceProvider(silos[0]);
        var membership = new OrleansFleetMembership(services.GetRequiredService<IClusterMembershipService>());

        var members = await membership.GetMembersAsync(TestContext.Current.CancellationToken);

        foreach (var silo in silos)
        {
            var member = Assert.Single(members, m => m.Port == silo.Endpoint.Port && m.Generation == silo.Generation);
            Assert.Equal(SiloMemberStatus.Active, member.Status);
            Assert.Equal(silo.Endpoint.Address.ToString(), member.Host);
            Assert.False(string.IsNullOrEmpty(member.Name));
        }
    }
}
