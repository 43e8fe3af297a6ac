using FaceMask.Grains;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace FaceMask.Tests.Fleet;

[CollectionDefinition(Name)]
public sealed class FleetCollection : ICollectionFixture<FleetClusterFixture>
{
    public const string Name = "fleet cluster";
}

/// <summary>
/// One two-silo cluster for all fleet tests: memory storage under the real storage name, the fleet clock swapped
/// for a FakeTimeProvider, and the fake provisioner and membership. Each test uses its own fleet key.
/// </summary>
public sealed class FleetClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private InProcessTestCluster _cluster = null!;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 12, 0, 30, TimeSpan.Zero));

    public FakeWorkerWorld World { get; } = new();

    public InProcessTestCluster Cluster => _cluster;

    public IGrainFactory Grains => _cluster.Client;

    public IFleetGrain NewFleet() => Grains.GetGrain<IFleetGrain>("fleet-" + Guid.NewGuid().ToString("N"));

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Cluster);
            silo.UseInMemoryReminderService();
            silo.Services.AddFleet();
            silo.Services.AddKeyedSingleton<TimeProvider>(FleetTime.Key, Clock);
            silo.Services.AddSingleton<IWorkerProvisioner>(World);
            silo.Services.AddSingleton<IFleetMembership>(World);
            silo.Services.Configure<FleetOptions>(o =>
            {
                // Ticks run on real time so the tests need not step them; every deadline runs on the fake clock.
                o.TickInterval = TimeSpan.FromMilliseconds(50);
                o.StartTimeout = StartTimeout;
                o.DrainGrace = DrainGrace;
                // Adoption would take in every other test's silos from the shared fake membership.
                o.AdoptUnknownSilos = false;
            });
            silo.Services.AddWorkerMetrics();
            silo.Services.Configure<WorkerMetricsOptions>(o => o.Interval = TimeSpan.FromMilliseconds(200));
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();
}
