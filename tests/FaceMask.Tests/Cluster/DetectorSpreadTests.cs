using FaceMask.Grains.Detection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace FaceMask.Tests.Cluster;

/// <summary>
/// Stateless-worker calls from an external client land on the silo of the gateway that carried them;
/// drawing a fresh key per call must therefore reach every silo.
/// </summary>
public sealed class DetectorSpreadTests : IAsyncLifetime
{
    private InProcessTestCluster _cluster = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) => silo.Services.AddMaskDetector());
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task RandomKeysFromAnExternalClientReachEverySilo()
    {
        var photo = await File.ReadAllBytesAsync(Path.Combine(TestPaths.Samples, "demo2.jpg"), TestContext.Current.CancellationToken);
        var workers = new List<string>();
        for (var i = 0; i < 90; i++)
        {
            // Exactly as WebFront calls it.
            var reply = await _cluster.Client.GetGrain<IMaskDetectorGrain>(DetectorKeys.Next())
                .DetectAsync(new DetectionRequest(photo, Annotate: false));
            Assert.NotNull(reply.Result);
            workers.Add(reply.Result.Worker);
        }

        var silos = _cluster.Silos.Select(s => s.SiloAddress).ToArray();
        var perWorker = workers.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(3, perWorker.Count);
        Assert.All(perWorker.Values, count => Assert.InRange(count, 10, 70));

        // And the activations themselves live on all three silos.
        var stats = await _cluster.Client.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics(
            silos, TestContext.Current.CancellationToken);
        var hosting = stats.Where(s => s.GrainType.Contains(nameof(MaskDetectorGrain), StringComparison.Ordinal) && s.ActivationCount > 0)
            .Select(s => s.SiloAddress).Distinct().Count();
        Assert.True(hosting == 3, string.Join(", ", stats.Select(s => $"{s.GrainType}@{s.SiloAddress}x{s.ActivationCount}")));
    }
}
