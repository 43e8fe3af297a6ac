using FaceMask.Grains;
using FaceMask.Grains.Scaling;
using FaceMask.Silo.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace FaceMask.Tests.Scaling.Grains;

public sealed class ScalerStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheLogKeepsTheNewest1440Decisions()
    {
        var state = new ScalerState();

        for (var i = 1; i <= ScalerState.LogLimit + 10; i++)
        {
            state.Append(Decision(i));
        }

        Assert.Equal(1440, state.Decisions.Count);
        Assert.Equal(11, state.Decisions[0].Sequence);
        Assert.Equal(1450, state.Decisions[^1].Sequence);
        Assert.Equal(1451, state.NextSequence);
        Assert.Equal(T0.AddMinutes(1450), state.LastTickAt);
        var page = state.Page(0, 500);
        Assert.Equal(200, page.Items.Count);
        Assert.Equal(1450, page.Items[0].Sequence);
        Assert.Equal(1440, page.Total);
        Assert.Equal([11L], state.Page(1439, 5).Items.Select(d => d.Sequence));
    }

    [Fact]
    public void ScalerAndPolicyStateReadBackFromTheClusterStoresSerializer()
    {
        using var host = BuildSilo();
        var serializer = host.Services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>()
            .Get(StorageNames.Cluster).GrainStorageSerializer;
        var state = new ScalerState
        {
            Enabled = true,
            ReminderPeriod = TimeSpan.FromMinutes(1),
        };
        // Collection expressions, as Decide may build them: compiler-made list types the store cannot read back.
        state.Remember(new ScalerMemory
        {
            CooldownTicksLeft = 1,
            CapacityEstimate = 12.5,
            CapacitySamples = [new CapacitySample(T0, 12), new CapacitySample(T0.AddMinutes(1), 13)],
            RecentDesired = [3, 4],
        });
        state.Append(Decision(1));
        state.Append(Decision(2) with { ApplyError = "refused" });
        var policy = new PolicyState { Policy = PolicyCases.Custom, BoundsPending = true };

        var read = serializer!.Deserialize<ScalerState>(serializer.Serialize(state))!;
        var readPolicy = serializer.Deserialize<PolicyState>(serializer.Serialize(policy))!;

        Assert.True(read.Enabled);
        Assert.Equal(state.ReminderPeriod, read.ReminderPeriod);
        Assert.Equal(state.NextSequence, read.NextSequence);
        Assert.Equal(state.LastTickAt, read.LastTickAt);
        Assert.Equal(state.Memory.CooldownTicksLeft, read.Memory.CooldownTicksLeft);
        Assert.Equal(state.Memory.CapacityEstimate, read.Memory.CapacityEstimate);
        Assert.Equal(state.Memory.CapacitySamples, read.Memory.CapacitySamples);
        Assert.Equal(state.Memory.RecentDesired, read.Memory.RecentDesired);
        Assert.Equal(2, read.Decisions.Count);
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(state.Decisions[i] with { Workers = [] }, read.Decisions[i] with { Workers = [] });
            Assert.Equal(state.Decisions[i].Workers, read.Decisions[i].Workers);
        }

        Assert.Equal(policy.Policy, readPolicy.Policy);
        // Reading fills a fresh memory, never the shared empty one.
        Assert.Equal(0, ScalerMemory.Empty.CooldownTicksLeft);
        Assert.Empty(ScalerMemory.Empty.CapacitySamples);
        Assert.True(readPolicy.BoundsPending);
    }

    private static ScalingDecision Decision(long sequence) => new(
        sequence, T0.AddMinutes(sequence), ScalingMode.Original, ScalingPolicy.Default,
        [new WorkerObservation("worker-1", true, 30.5, 2, 1.5), new WorkerObservation("worker-2", false, null, null, null)],
        0, 1, 0, 30.5, 0, 2, 13, ScalingRules.AllBetween, ScalingAction.None, 0, "all between", 2, 2, null);

    private static IHost BuildSilo()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.UseSqliteClusterStore(Path.Combine(Path.GetTempPath(), "never-opened.db")));
        return builder.Build();
    }
}
