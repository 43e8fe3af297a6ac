using FaceMask.Grains;
using FaceMask.Grains.Fleet;
using FaceMask.Silo.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Storage;

namespace FaceMask.Tests.Fleet;

/// <summary>
/// The fleet's state through the serializer the SQLite cluster store really uses for grain state (the AdoNet
/// provider's default: Newtonsoft JSON with Orleans' type allow-list), not the in-memory storage of the grain tests.
/// </summary>
public sealed class FleetStateStorageTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void FleetStateReadsBackFromTheClusterStoresSerializer()
    {
        using var host = BuildSilo();
        var serializer = host.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>()
            .Get(StorageNames.Cluster).GrainStorageSerializer;
        Assert.NotNull(serializer);
        var state = FleetWithEveryKindOfWorker();

        var read = serializer.Deserialize<FleetState>(serializer.Serialize(state));

        Assert.NotNull(read);
        Assert.Equal(state.Workers, read.Workers);
        Assert.Equal(state.Series, read.Series);
        Assert.Equal(state.DesiredWorkers, read.DesiredWorkers);
        Assert.Equal(state.NextNumber, read.NextNumber);
        Assert.Equal(state.LaunchesBlockedUntil, read.LaunchesBlockedUntil);
    }

    private static FleetState FleetWithEveryKindOfWorker()
    {
        var state = new FleetState();
        var book = new FleetBook(state, new FleetOptions { MinWorkers = 0 });
        book.Adopt(new SiloMember("worker-1", "127.0.0.1", 11111, 7, SiloMemberStatus.Active), T0);
        book.Add(3, T0);
        var launched = state.Workers[1] with
        {
            State = WorkerState.Running,
            InstanceId = "4242:123456",
            Address = "127.0.0.1",
            SiloPort = 40001,
            GatewayPort = 40002,
            SiloGeneration = 9,
            RunningSince = T0,
            CpuQuotaActive = true,
        };
        book.Update(state.Workers[1], launched);
        book.Drain(state.Workers[2], T0, "removed");
        book.Fail(state.Workers[3], "could not be launched: boom", T0, neverRan: true);
        book.Record(new FleetMinute(T0, 2, 41.5));
        book.Record(new FleetMinute(T0.AddMinutes(1), 2, null));
        return state;
    }

    /// <summary>A worker's silo with the SQLite cluster store, built but never started: only its services are needed.</summary>
    private static IHost BuildSilo()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.UseSqliteClusterStore(Path.Combine(Path.GetTempPath(), "never-opened.db")));
        return builder.Build();
    }
}
