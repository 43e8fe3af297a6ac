using System.Net;
using System.Text;
using FaceMask.Grains.Aws;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Fleet.Aws;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FaceMask.Tests.Aws;

public sealed class Ec2WorkerProvisionerTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(10);
    private readonly FakeAws _aws = new();
    private readonly FakeTimeProvider _clock = new(AwsTestServices.Start);
    private readonly List<ServiceProvider> _hosts = [];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        foreach (var host in _hosts)
        {
            host.Dispose();
        }

        _aws.Dispose();
    }

    [Fact]
    public async Task StartLaunchesOneTaggedInstanceWithTheWorkersUserDataAndReturnsAtOnce()
    {
        var provisioner = Provisioner();

        var instance = await provisioner.StartAsync(new WorkerLaunch("worker-3-a1b2c3", "worker-3"), Cancel);

        Assert.StartsWith("i-", instance.InstanceId);
        Assert.Equal(("worker-3-a1b2c3", "worker-3"), (instance.WorkerId, instance.Name));
        Assert.Null(instance.Address); // unknown until it boots: the fleet matches the silo by name
        Assert.Equal("pending", _aws.StateOf(instance.InstanceId!));
        var run = Assert.Single(_aws.CallsOf("RunInstances")).Parameters;
        Assert.Equal("ami-0123456789abcdef0", run["ImageId"]);
        Assert.Equal("c5.large", run["InstanceType"]);
        Assert.Equal(("1", "1"), (run["MinCount"], run["MaxCount"]));
        Assert.Equal("worker-3-a1b2c3", run["ClientToken"]);
        Assert.Equal("subnet-0aaa1111", run["SubnetId"]);
        Assert.Equal(("sg-0bbb2222", "sg-0ccc3333"), (run["SecurityGroupId.1"], run["SecurityGroupId.2"]));
        Assert.Equal("facemask-worker", run["IamInstanceProfile.Name"]);
        Assert.Equal("facemask-ops", run["KeyName"]);
        Assert.Equal("instance", run["TagSpecification.1.ResourceType"]);
        Assert.Equal(
            new Dictionary<string, string> { ["Name"] = "worker-3", ["facemask:worker-id"] = "worker-3-a1b2c3", ["facemask:role"] = "worker", ["team"] = "vision" },
            _aws.TagsOf(instance.InstanceId!));

        var userData = Encoding.UTF8.GetString(Convert.FromBase64String(run["UserData"]));
        Assert.StartsWith("#cloud-config\n", userData);
        Assert.Contains("      Worker__Name=\"worker-3\"\n", userData);
        Assert.Contains("      Worker__Id=\"worker-3-a1b2c3\"\n", userData);
        Assert.Contains("      Cluster__ConnectionString=\"Server=db.internal;Database=facemask;User=facemask\"\n", userData);
        Assert.Contains("      Fleet__Aws__TargetGroupArn=\"" + FakeAws.TargetGroupArn + "\"\n", userData);
        Assert.Contains("[systemctl, enable, --now, facemask-silo.service, facemask-webfront.service]", userData);
        Assert.DoesNotContain("worker-1", userData); // this silo's own name is not the worker's
        Assert.DoesNotContain("must never travel", userData); // the Admin section is not forwarded
        Assert.Equal("ec2", _aws.Calls.First().Signer.Service);
        Assert.Empty(_aws.Rejected);
    }

    [Fact]
    public async Task StartingTheSameWorkerAgainAnswersTheSameInstance()
    {
        var provisioner = Provisioner();
        var launch = new WorkerLaunch("worker-1-aaaaaa", "worker-1");

        var first = await provisioner.StartAsync(launch, Cancel);
        var again = await Provisioner().StartAsync(launch, Cancel);

        Assert.Equal(first.InstanceId, again.InstanceId);
        Assert.Equal(2, _aws.CallsOf("RunInstances").Count);
    }

    [Fact]
    public async Task ARunningInstanceIsRegisteredWithTheTargetGroupOnceAndAPendingOneNotYet()
    {
        var provisioner = Provisioner();
        var instance = await provisioner.StartAsync(new WorkerLaunch("worker-1-bbbbbb", "worker-1"), Cancel);

        Assert.True(await provisioner.IsAliveAsync(instance, Cancel));
        Assert.Empty(_aws.CallsOf("RegisterTargets"));

        _aws.SetState(instance.InstanceId!, "running");
        Assert.True(await provisioner.IsAliveAsync(instance, Cancel));
        Assert.True(await provisioner.IsAliveAsync(instance, Cancel));

        var register = Assert.Single(_aws.CallsOf("RegisterTargets"));
        Assert.Equal(instance.InstanceId, register.Parameters["Targets.member.1.Id"]);
        Assert.True(_aws.IsRegistered(instance.InstanceId!));
    }

    [Theory]
    [InlineData("shutting-down")]
    [InlineData("terminated")]
    [InlineData("stopped")]
    public async Task AnInstanceThatIsGoingOrGoneIsNotAlive(string state)
    {
        var provisioner = Provisioner();
        var instance = await provisioner.StartAsync(new WorkerLaunch("worker-1-cccccc", "worker-1"), Cancel);
        _aws.SetState(instance.InstanceId!, state);

        Assert.False(await provisioner.IsAliveAsync(instance, Cancel));
        Assert.Empty(_aws.CallsOf("RegisterTargets"));
    }

    [Fact]
    public async Task AnInstanceEc2DoesNotKnowYetCountsAsAliveAndAnAdoptedSiloIsNotJudged()
    {
        var provisioner = Provisioner();

        Assert.True(await provisioner.IsAliveAsync(new WorkerInstance("w", "worker-9", "i-0123456789abcdef0", null, 0, 0), Cancel));
        Assert.True(await provisioner.IsAliveAsync(new WorkerInstance("worker-1", "worker-1", null, "10.0.0.5", 11111, 30000), Cancel));
        Assert.Single(_aws.CallsOf("DescribeInstances"), c => c.Parameters.ContainsKey("InstanceId.1"));
    }

    [Fact]
    public async Task StopDeregistersAtOnceAndTerminatesOnlyAfterTheDeregistrationDelay()
    {
        var provisioner = Provisioner();
        var instance = await RunningAsync(provisioner, "worker-1-dddddd");

        await provisioner.StopAsync(instance, Grace, Cancel);

        Assert.False(_aws.IsRegistered(instance.InstanceId!));
        var due = AwsTestServices.Start + TimeSpan.FromSeconds(20);
        Assert.Equal(due.UtcDateTime.ToString("O"), _aws.TagsOf(instance.InstanceId!)[Ec2WorkerProvisioner.TerminateAfterTag]);
        Assert.Empty(_aws.CallsOf("TerminateInstances"));

        _clock.Advance(TimeSpan.FromSeconds(19));
        Assert.Empty(_aws.CallsOf("TerminateInstances"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        await WaitForAsync(() => _aws.CallsOf("TerminateInstances").Count == 1, "the termination when due");

        Assert.Equal(["RunInstances", "RegisterTargets", "DeregisterTargets", "CreateTags", "TerminateInstances"],
            _aws.Actions().Where(a => a != "DescribeInstances"));
        Assert.Equal("shutting-down", _aws.StateOf(instance.InstanceId!));
        Assert.False(await provisioner.IsAliveAsync(instance, Cancel));
    }

    [Fact]
    public async Task ATerminationDueWhenItsSiloDiedIsFinishedByTheNextLookFromAnotherSilo()
    {
        var first = Provisioner();
        var instance = await RunningAsync(first, "worker-1-eeeeee");
        await first.StopAsync(instance, Grace, Cancel);
        first.Dispose(); // the silo that began the stop dies, and its timer with it

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty(_aws.CallsOf("TerminateInstances"));

        // The look finishes the stop, and then sees the instance on its way out.
        Assert.False(await Provisioner().IsAliveAsync(instance, Cancel));

        Assert.Equal(instance.InstanceId, Assert.Single(_aws.CallsOf("TerminateInstances")).Parameters["InstanceId.1"]);
    }

    [Fact]
    public async Task ASweepTerminatesDueInstancesNobodyWatchesAnyMore()
    {
        var first = Provisioner();
        var forgotten = await RunningAsync(first, "worker-1-ffffff");
        await first.StopAsync(forgotten, Grace, Cancel);
        first.Dispose();
        _clock.Advance(TimeSpan.FromMinutes(5));

        await Provisioner().StartAsync(new WorkerLaunch("worker-2-gggggg", "worker-2"), Cancel);

        Assert.Equal(forgotten.InstanceId, Assert.Single(_aws.CallsOf("TerminateInstances")).Parameters["InstanceId.1"]);
        var sweep = _aws.CallsOf("DescribeInstances").Last(c => c.Parameters.ContainsKey("Filter.1.Name")).Parameters;
        Assert.Equal(("tag-key", "facemask:terminate-after"), (sweep["Filter.1.Name"], sweep["Filter.1.Value.1"]));
    }

    [Fact]
    public async Task AStopWithoutGraceTerminatesAtOnce()
    {
        var provisioner = Provisioner();
        var instance = await provisioner.StartAsync(new WorkerLaunch("worker-1-hhhhhh", "worker-1"), Cancel);

        await provisioner.StopAsync(instance, TimeSpan.Zero, Cancel);

        Assert.Single(_aws.CallsOf("TerminateInstances"));
        Assert.Empty(_aws.CallsOf("CreateTags"));
        // Never registered (still pending): the load balancer's InvalidTarget is no reason to keep the instance.
        Assert.Single(_aws.CallsOf("DeregisterTargets"));
    }

    [Fact]
    public async Task WithoutAConfiguredDelayTheTargetGroupsOwnIsUsed()
    {
        _aws.DeregistrationDelaySeconds = 30;
        var provisioner = Provisioner(s => s["Fleet:Aws:DeregistrationDelay"] = null);
        var instance = await RunningAsync(provisioner, "worker-1-iiiiii");

        await provisioner.StopAsync(instance, Grace, Cancel);

        Assert.Single(_aws.CallsOf("DescribeTargetGroupAttributes"));
        Assert.Equal((AwsTestServices.Start + TimeSpan.FromSeconds(30)).UtcDateTime.ToString("O"),
            _aws.TagsOf(instance.InstanceId!)[Ec2WorkerProvisioner.TerminateAfterTag]);
    }

    [Fact]
    public async Task WithoutATargetGroupNothingIsRegisteredAndStopTerminatesAtOnce()
    {
        var provisioner = Provisioner(s => s["Fleet:Aws:TargetGroupArn"] = null);
        var instance = await RunningAsync(provisioner, "worker-1-jjjjjj");

        await provisioner.StopAsync(instance, Grace, Cancel);

        Assert.DoesNotContain(_aws.Calls, c => c.Service == "elasticloadbalancing");
        Assert.Single(_aws.CallsOf("TerminateInstances"));
        var userData = Encoding.UTF8.GetString(Convert.FromBase64String(_aws.CallsOf("RunInstances").Single().Parameters["UserData"]));
        Assert.Contains("[systemctl, enable, --now, facemask-silo.service]", userData);
    }

    [Fact]
    public async Task Ec2ThrottlingIsRetried()
    {
        _aws.Fail("RunInstances", HttpStatusCode.ServiceUnavailable, "RequestLimitExceeded", "Request limit exceeded.", times: 2);

        var instance = await Provisioner().StartAsync(new WorkerLaunch("worker-1-kkkkkk", "worker-1"), Cancel);

        Assert.StartsWith("i-", instance.InstanceId);
        Assert.Equal(3, _aws.CallsOf("RunInstances").Count);
    }

    [Fact]
    public async Task Ec2ClientErrorsSurfaceWithTheirCodeAndMessageWithoutRetrying()
    {
        _aws.Fail("RunInstances", HttpStatusCode.BadRequest, "InvalidParameterValue", "Value (c5.hyper) for parameter instanceType is invalid.");

        var error = await Assert.ThrowsAsync<AwsApiException>(() => Provisioner().StartAsync(new WorkerLaunch("worker-1-llllll", "worker-1"), Cancel));

        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Equal("EC2 RunInstances failed with InvalidParameterValue: Value (c5.hyper) for parameter instanceType is invalid. (HTTP 400, request id "
            + error.RequestId + ")", error.Message);
        Assert.Single(_aws.CallsOf("RunInstances"));
    }

    [Fact]
    public async Task Ec2RequestsWithAWrongSecretAreRejectedBySignature()
    {
        var provisioner = Provisioner(secretKey: "wrong-secret");

        var error = await Assert.ThrowsAsync<AwsApiException>(() => provisioner.StartAsync(new WorkerLaunch("worker-1-mmmmmm", "worker-1"), Cancel));

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.NotEmpty(_aws.Rejected);
        Assert.Empty(_aws.Calls);
    }

    private Ec2WorkerProvisioner Provisioner(Action<Dictionary<string, string?>>? adjust = null, string secretKey = FakeAws.SecretKey)
    {
        var host = AwsTestServices.Build(_aws, _clock, s =>
        {
            s["Fleet:Aws:DeregistrationDelay"] = "00:00:20";
            adjust?.Invoke(s);
        }, secretKey);
        _hosts.Add(host);
        return host.GetRequiredService<Ec2WorkerProvisioner>();
    }

    private async Task<WorkerInstance> RunningAsync(Ec2WorkerProvisioner provisioner, string workerId)
    {
        var instance = await provisioner.StartAsync(new WorkerLaunch(workerId, workerId[..8]), Cancel);
        _aws.SetState(instance.InstanceId!, "running");
        Assert.True(await provisioner.IsAliveAsync(instance, Cancel));
        return instance;
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}");
            await Task.Delay(10, Cancel);
        }
    }
}
