using FaceMask.Grains;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;
using FaceMask.Tests.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace FaceMask.Tests.Scaling.Grains;

[CollectionDefinition(Name)]
public sealed class ScalingCollection : ICollectionFixture<ScalingClusterFixture>
{
    public const string Name = "scaling cluster";
}

/// <summary>
/// Two silos with the real policy, scaler, fleet and worker grains on memory storage and in-memory reminders (one
/// second apart at the least), on real time, with the fake provisioner and membership. The scaler starts off, and
/// each test uses its own key, which names its policy, scaler and fleet together.
/// </summary>
public sealed class ScalingClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private InProcessTestCluster _cluster = null!;

    public FakeWorkerWorld World { get; } = new();

    public InProcessTestCluster Cluster => _cluster;

    public IGrainFactory Grains => _cluster.Client;

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Cluster);
            silo.UseInMemoryReminderService();
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            silo.Services.AddFleet();
            silo.Services.AddSingleton<IWorkerProvisioner>(World);
            silo.Services.AddSingleton<IFleetMembership>(World);
            silo.Services.Configure<FleetOptions>(o =>
            {
                o.TickInterval = TimeSpan.FromMilliseconds(50);
                o.AdoptUnknownSilos = false;
            });
            silo.Services.AddScaling();
            silo.Services.Configure<ScalerOptions>(o =>
            {
                o.Period = Period;
                o.MetricsTimeout = TimeSpan.FromMilliseconds(500);
                o.EnabledAtStart = false;
            });
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();
}

/// <summary>One test's policy, scaler and fleet (one key), and ways to give its fleet Running workers with metrics.</summary>
public sealed class ScalingDeployment(IGrainFactory grains, FakeWorkerWorld world, string? key = null)
{
    public string Key { get; } = key ?? "scaling-" + Guid.NewGuid().ToString("N");

    public IPolicyGrain Policy => grains.GetGrain<IPolicyGrain>(Key);

    public IScalerGrain Scaler => grains.GetGrain<IScalerGrain>(Key);

    public IFleetGrain Fleet => grains.GetGrain<IFleetGrain>(Key);

    public async Task<IReadOnlyList<WorkerInfo>> AddRunningAsync(int count)
    {
        var change = await Fleet.AddAsync(count);
        Assert.Null(change.Refusal);
        var ids = change.Workers.Select(w => w.Id).ToList();
        await WaitForAsync(ids, WorkerState.Starting);
        foreach (var id in ids)
        {
            world.Join(id);
        }

        var workers = await WaitForAsync(ids, WorkerState.Running);
        return workers.Where(w => ids.Contains(w.Id)).OrderBy(w => w.Name, StringComparer.Ordinal).ToList();
    }

    public Task<IReadOnlyList<WorkerInfo>> WaitForAsync(IReadOnlyList<string> ids, WorkerState state) =>
        Eventually.UntilAsync(
            () => Fleet.ListAsync(null),
            list => ids.All(id => list.Any(w => w.Id == id && w.State == state)),
            $"{string.Join(", ", ids)} to be {state}");

    /// <summary>A worker's silo reporting: CPU %, and requests received and completed per second over 5 s.</summary>
    public Task ReportAsync(string workerId, double cpu, double received = 0, double completed = 0) =>
        grains.GetGrain<IWorkerGrain>(workerId).ReportAsync(
            new WorkerSample(DateTimeOffset.UtcNow, 5, cpu, (long)(received * 5), (long)(completed * 5), 1000, 2000, 100_000_000));

    public async Task<IReadOnlyList<WorkerInfo>> ActiveAsync() =>
        (await Fleet.ListAsync(null)).Where(w => w.State is WorkerState.Pending or WorkerState.Starting or WorkerState.Running).ToList();
}
