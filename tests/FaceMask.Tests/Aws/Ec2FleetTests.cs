using Amazon.Runtime;
using FaceMask.Grains;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Fleet.Aws;
using FaceMask.Grains.Metrics;
using FaceMask.Tests.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace FaceMask.Tests.Aws;

/// <summary>A membership the test drives: a worker's silo becomes Active (or dead) when the test says so.</summary>
public sealed class DrivenMembership : IFleetMembership
{
    private readonly Lock _gate = new();
    private readonly List<SiloMember> _members = [];
    private int _generation = 1;

    public void Join(string name)
    {
        lock (_gate)
        {
            _members.Add(new SiloMember(name, "10.0.1.17", 11111, _generation++, SiloMemberStatus.Active));
        }
    }

    public void Die(string name)
    {
        lock (_gate)
        {
            for (var i = 0; i < _members.Count; i++)
            {
                if (_members[i].Name == name)
                {
                    _members[i] = _members[i] with { Status = SiloMemberStatus.Dead };
                }
            }
        }
    }

    public ValueTask<IReadOnlyList<SiloMember>> GetMembersAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<SiloMember>>([.. _members]);
        }
    }
}

/// <summary>
/// A one-silo cluster whose fleet uses the real EC2 provisioner (registered by AddAwsWorkerProvisioner) against
/// <see cref="FakeAws"/>; fleet ticks on real time, deadlines on a FakeTimeProvider.
/// </summary>
public sealed class AwsFleetFixture : IAsyncLifetime
{
    public static readonly TimeSpan DeregistrationDelay = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private InProcessTestCluster _cluster = null!;

    public FakeAws Aws { get; } = new();

    public FakeTimeProvider Clock { get; } = new(AwsTestServices.Start);

    public DrivenMembership Membership { get; } = new();

    public IFleetGrain NewFleet() => _cluster.Client.GetGrain<IFleetGrain>("aws-fleet-" + Guid.NewGuid().ToString("N"));

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(StorageNames.Cluster);
            silo.UseInMemoryReminderService();
            silo.Services.AddFleet();
            silo.Services.AddKeyedSingleton<TimeProvider>(FleetTime.Key, Clock);
            silo.Services.AddSingleton<IFleetMembership>(Membership);
            silo.Services.AddSingleton<AWSCredentials>(new BasicAWSCredentials(FakeAws.AccessKey, FakeAws.SecretKey));
            silo.Services.AddAwsWorkerProvisioner();
            silo.Services.Configure<AwsProvisionerOptions>(o =>
            {
                o.Region = FakeAws.Region;
                o.ImageId = "ami-0123456789abcdef0";
                o.InstanceType = "c5.large";
                o.TargetGroupArn = FakeAws.TargetGroupArn;
                o.DeregistrationDelay = DeregistrationDelay;
                o.Ec2ServiceUrl = o.ElbServiceUrl = o.CloudWatchServiceUrl = Aws.Url;
                o.RetryBaseDelay = TimeSpan.FromMilliseconds(10);
            });
            silo.Services.Configure<FleetOptions>(o =>
            {
                o.TickInterval = TimeSpan.FromMilliseconds(50);
                o.StartTimeout = StartTimeout;
                o.DrainGrace = TimeSpan.FromSeconds(10);
                o.StopTimeout = TimeSpan.FromSeconds(30);
                o.MinWorkers = 0;
                o.AdoptUnknownSilos = false;
            });
            silo.Services.AddWorkerMetrics();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.DisposeAsync();
        Aws.Dispose();
    }
}

public sealed class Ec2FleetTests(AwsFleetFixture fixture) : IClassFixture<AwsFleetFixture>
{
    private FakeAws Aws => fixture.Aws;

    [Fact]
    public async Task AddedWorkerIsLaunchedRegisteredOnceRunningAndOnRemovalDeregisteredThenTerminatedAfterTheDelay()
    {
        var fleet = fixture.NewFleet();
        var added = Assert.Single((await fleet.AddAsync(1)).Workers);

        var starting = await WorkerAsync(fleet, added.Id, w => w.State == WorkerState.Starting, "the worker to be launched");
        var instanceId = starting.InstanceId!;
        Assert.Equal(added.Id, Assert.Single(Aws.CallsOf("RunInstances"), c => c.Parameters["ClientToken"] == added.Id).Parameters["ClientToken"]);
        Assert.Null(starting.Address);

        // Booting: probed, but not a load balancer target yet.
        await UntilAsync(() => Probes(instanceId) >= 3, "a few probes of the pending instance");
        Assert.DoesNotContain(Aws.CallsOf("RegisterTargets"), c => Target(c) == instanceId);

        Aws.SetState(instanceId, "running");
        await UntilAsync(() => Aws.IsRegistered(instanceId), "the registration of the running instance");
        fixture.Membership.Join(added.Name);
        await WorkerAsync(fleet, added.Id, w => w.State == WorkerState.Running, "the worker to run");
        Assert.Single(Aws.CallsOf("RegisterTargets"), c => Target(c) == instanceId);

        Assert.Null((await fleet.RemoveWorkerAsync(added.Id)).Refusal);
        await UntilAsync(() => Aws.TagsOf(instanceId).ContainsKey(Ec2WorkerProvisioner.TerminateAfterTag), "the deregistration and the terminate-after tag");
        Assert.False(Aws.IsRegistered(instanceId));
        Assert.Equal(WorkerState.Draining, (await WorkerAsync(fleet, added.Id, _ => true, "the worker")).State);
        Assert.DoesNotContain(Aws.CallsOf("TerminateInstances"), c => Target(c) == instanceId);

        fixture.Clock.Advance(AwsFleetFixture.DeregistrationDelay);
        await UntilAsync(() => Aws.CallsOf("TerminateInstances").Any(c => Target(c) == instanceId), "the termination after the delay");
        await WorkerAsync(fleet, added.Id, w => w.State == WorkerState.Terminated, "the worker to be seen terminated");
        fixture.Membership.Die(added.Name);

        Assert.Equal(
            ["RunInstances", "RegisterTargets", "DeregisterTargets", "CreateTags", "TerminateInstances"],
            Aws.Calls.OrderBy(c => c.Sequence)
                .Where(c => c.Action != "DescribeInstances" && (Target(c) == instanceId || c.Parameters.GetValueOrDefault("ClientToken") == added.Id))
                .Select(c => c.Action));
        Assert.Empty(Aws.Rejected);
        AssertPolicyCovers(Aws.Calls.Select(c => c.Action));
    }

    [Fact]
    public async Task AnInstanceThatNeverComesUpEndsFailedAtTheStartTimeoutIsTerminatedAndReplaced()
    {
        var fleet = fixture.NewFleet();
        var added = Assert.Single((await fleet.AddAsync(1)).Workers);
        var starting = await WorkerAsync(fleet, added.Id, w => w.State == WorkerState.Starting, "the worker to be launched");
        await UntilAsync(() => Probes(starting.InstanceId!) >= 2, "probes of the pending instance");

        fixture.Clock.Advance(AwsFleetFixture.StartTimeout);

        var failed = await WorkerAsync(fleet, added.Id, w => w.State == WorkerState.Failed, "the worker to fail");
        Assert.Contains("did not join the cluster within", failed.Detail);
        await UntilAsync(() => Aws.CallsOf("TerminateInstances").Any(c => Target(c) == starting.InstanceId), "the instance to be terminated");
        Assert.Equal("shutting-down", Aws.StateOf(starting.InstanceId!));
        var replacement = await Eventually.UntilAsync(
            () => fleet.ListAsync(null), list => list.Any(w => w.Id != added.Id && w.State is WorkerState.Pending or WorkerState.Starting), "a replacement");
        Assert.Contains(replacement, w => w.Name == "worker-2");
    }

    private int Probes(string instanceId) => Aws.CallsOf("DescribeInstances").Count(c => c.Parameters.GetValueOrDefault("InstanceId.1") == instanceId);

    private static string? Target(AwsCall call) =>
        call.Parameters.GetValueOrDefault("Targets.member.1.Id") ?? call.Parameters.GetValueOrDefault("InstanceId.1") ?? call.Parameters.GetValueOrDefault("ResourceId.1");

    private static async Task<WorkerInfo> WorkerAsync(IFleetGrain fleet, string id, Func<WorkerInfo, bool> done, string what)
    {
        var list = await Eventually.UntilAsync(() => fleet.ListAsync(null), l => l.Any(w => w.Id == id && done(w)), what);
        return list.Single(w => w.Id == id);
    }

    private static Task UntilAsync(Func<bool> condition, string what) =>
        Eventually.UntilAsync(() => Task.FromResult(condition()), ok => ok, what);

    private static void AssertPolicyCovers(IEnumerable<string> actions)
    {
        var allowed = DeployFiles.PolicyActions();
        foreach (var action in actions.Distinct())
        {
            var iam = (action is "RunInstances" or "DescribeInstances" or "TerminateInstances" or "CreateTags" ? "ec2:"
                : action is "PutMetricData" or "GetMetricData" ? "cloudwatch:" : "elasticloadbalancing:") + action;
            Assert.Contains(iam, allowed);
        }
    }
}
