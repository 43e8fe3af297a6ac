using System.Collections.Concurrent;
using System.Diagnostics;
using FaceMask.Grains;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;
using FaceMask.Silo.Clustering;
using FaceMask.Tests.Fleet;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace FaceMask.Tests.Scaling.Grains;

/// <summary>
/// Three silos whose grain state and reminders live in a SQLite file outside them (FaceMask's schema and the stock
/// AdoNet providers, as a worker uses them); membership is the test cluster's own, so any silo can be killed.
/// </summary>
public sealed class SelfHealingTests : IAsyncLifetime
{
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "facemask-heal-" + Guid.NewGuid().ToString("N"));
    private readonly FakeWorkerWorld _world = new();
    private readonly ConcurrentQueue<(long Sequence, string Silo)> _ticks = new();
    private InProcessTestCluster _cluster = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var database = Path.Combine(_directory, "orleans.db");
        SqliteOrleansSchema.Install(database);
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSiloHost((options, host) =>
        {
            host.Logging.AddFilter("FaceMask", LogLevel.Information);
            host.Logging.AddProvider(new TickCapture(_ticks));
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton(_ => new SqlitePragmaDataSource(database));
            silo.AddAdoNetGrainStorage(StorageNames.Cluster, o => o.Configure<SqlitePragmaDataSource>((o, source) =>
            {
                o.Invariant = SqliteOrleansSchema.Invariant;
                o.DataSource = source;
            }));
            silo.UseAdoNetReminderService(o => o.Configure<SqlitePragmaDataSource>((o, source) =>
            {
                o.Invariant = SqliteOrleansSchema.Invariant;
                o.DataSource = source;
            }));
            silo.Configure<ReminderOptions>(o =>
            {
                o.MinimumReminderPeriod = Period;
                o.RefreshReminderListPeriod = TimeSpan.FromSeconds(1);
            });
            silo.Services.AddFleet();
            silo.Services.AddSingleton<IWorkerProvisioner>(_world);
            silo.Services.AddSingleton<IFleetMembership>(_world);
            silo.Services.Configure<FleetOptions>(o =>
            {
                o.TickInterval = TimeSpan.FromMilliseconds(100);
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

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact(Timeout = 180_000)]
    public async Task KillingTheSiloOfScalerFleetAndPolicyLosesNeitherPolicyNorLogNorWorkers()
    {
        var total = Stopwatch.StartNew();
        var deployment = new ScalingDeployment(_cluster.Client, _world, "heal-" + Guid.NewGuid().ToString("N")[..8]);

        // All three on one silo: the scaler lands where placement puts it, the other two are moved to it.
        await deployment.Scaler.StatusAsync();
        await deployment.Policy.GetAsync();
        await deployment.Fleet.ListAsync(null);
        var host = SiloOf(deployment.Scaler);
        await MoveToAsync(deployment.Policy, host);
        await MoveToAsync(deployment.Fleet, host);
        await Eventually.UntilAsync(
            () => Task.FromResult(new[] { SiloOf(deployment.Policy), SiloOf(deployment.Fleet) }),
            silos => silos.All(s => s == host),
            $"policy and fleet to move to {host}");

        var policy = PolicyCases.Custom with { Mode = ScalingMode.Original, MinWorkers = 2, MaxWorkers = 6 };
        Assert.True((await deployment.Policy.UpdateAsync(policy)).Saved);
        var pending = await Eventually.UntilAsync(
            deployment.ActiveAsync, active => active.Count == 2 && active.All(w => w.State == WorkerState.Starting), "the policy's two workers to start");
        foreach (var worker in pending)
        {
            _world.Join(worker.Id);
        }

        var ids = pending.Select(w => w.Id).ToList();
        await deployment.WaitForAsync(ids, WorkerState.Running);
        foreach (var id in ids)
        {
            await deployment.ReportAsync(id, 40, received: 4, completed: 4);
        }

        await deployment.Scaler.EnableAsync();
        var before = await Eventually.UntilAsync(() => deployment.Scaler.DecisionsAsync(0, 200), p => p.Total >= 3, "three ticks");
        var workersBefore = await deployment.Fleet.ListAsync(null);
        Assert.All(new[] { deployment.Scaler, deployment.Policy, (IAddressable)deployment.Fleet }, g => Assert.Equal(host, SiloOf(g)));
        var hostName = _cluster.Silos.Single(s => s.SiloAddress == host).Name;
        Assert.All(_ticks.Where(t => t.Sequence <= before.Items[0].Sequence), t => Assert.Equal(hostName, t.Silo));
        Assert.All(before.Items, d => Assert.Equal(ScalingRules.AllBetween, d.Rule));

        var killed = Stopwatch.StartNew();
        await _cluster.KillSiloAsync(_cluster.Silos.Single(s => s.SiloAddress == host), Ct);
        var killTime = killed.Elapsed;
        var last = _ticks.Max(t => t.Sequence);

        // No call wakes the scaler: its durable reminder, now owned by a survivor, brings it back there.
        var next = await Eventually.UntilAsync(
            () => Task.FromResult(_ticks.Where(t => t.Sequence > last).ToList()),
            ticks => ticks.Count > 0,
            "a tick after the kill");
        var firstTickAfterKill = killed.Elapsed;

        Assert.All(next, t => Assert.NotEqual(hostName, t.Silo));
        Assert.NotEqual(host, SiloOf(deployment.Scaler));
        Assert.Equal(policy, await deployment.Policy.GetAsync());
        var after = await deployment.Scaler.DecisionsAsync(0, 200);
        foreach (var old in before.Items)
        {
            var kept = Assert.Single(after.Items, d => d.Sequence == old.Sequence);
            Assert.Equal(old with { Workers = [] }, kept with { Workers = [] });
            Assert.Equal(old.Workers, kept.Workers);
        }

        Assert.Equal(after.Items.Select(d => d.Sequence).Order(), Enumerable.Range(1, after.Total).Select(i => (long)i));
        Assert.All(after.Items, d => Assert.Equal(policy, d.Policy));
        Assert.Equal(workersBefore.Select(w => (w.Id, w.State)), (await deployment.Fleet.ListAsync(null)).Select(w => (w.Id, w.State)));
        Assert.True((await deployment.Scaler.StatusAsync()).Enabled);
        await deployment.Scaler.DisableAsync();

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"self-healing: kill {killTime.TotalMilliseconds:0} ms, first tick on a survivor {firstTickAfterKill.TotalSeconds:0.0} s after the kill, test {total.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Migrates a grain unless it is there already (a migration to its own silo waits forever).</summary>
    private async Task MoveToAsync(IAddressable grain, SiloAddress? silo)
    {
        if (SiloOf(grain) != silo)
        {
            await _cluster.MigrateAsync(grain, silo!);
        }
    }

    private SiloAddress? SiloOf(IAddressable grain) =>
        _cluster.TryGetGrainContext(grain.GetGrainId(), out var context) ? context.Address.SiloAddress : null;

    /// <summary>Reads the scaler's tick log lines: which silo ran which tick.</summary>
    private sealed class TickCapture(ConcurrentQueue<(long Sequence, string Silo)> ticks) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == typeof(ScalerGrain).FullName ? new Capture(ticks) : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public void Dispose()
        {
        }

        private sealed class Capture(ConcurrentQueue<(long Sequence, string Silo)> ticks) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (state is IReadOnlyList<KeyValuePair<string, object?>> fields
                    && fields.FirstOrDefault(f => f.Key == "Sequence").Value is long sequence
                    && fields.FirstOrDefault(f => f.Key == "Silo").Value is string silo)
                {
                    ticks.Enqueue((sequence, silo));
                }
            }
        }
    }
}
