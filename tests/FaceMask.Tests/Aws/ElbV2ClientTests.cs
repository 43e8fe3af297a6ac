using System.Net;
using FaceMask.Grains.Aws;
using FaceMask.Grains.Aws.Query;
using FaceMask.Grains.Fleet.Aws;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FaceMask.Tests.Aws;

public sealed class ElbV2ClientTests : IDisposable
{
    private readonly FakeAws _aws = new();
    private readonly FakeTimeProvider _clock = new(AwsTestServices.Start);
    private readonly ServiceProvider _services;

    public ElbV2ClientTests() => _services = AwsTestServices.Build(_aws, _clock);

    private ElbV2Client Elb => _services.GetRequiredService<ElbV2Client>();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _services.Dispose();
        _aws.Dispose();
    }

    [Fact]
    public async Task RegisterTargetsSendsTheTargetGroupAndEachTargetAsDocumentedAndSignedForElasticLoadBalancing()
    {
        var ids = await RunningInstancesAsync(2);

        await Elb.RegisterTargetsAsync(FakeAws.TargetGroupArn, ids, Cancel);

        var call = Assert.Single(_aws.CallsOf("RegisterTargets"));
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["TargetGroupArn"] = FakeAws.TargetGroupArn,
                ["Targets.member.1.Id"] = ids[0],
                ["Targets.member.2.Id"] = ids[1],
            },
            call.Parameters);
        Assert.Equal("elasticloadbalancing", call.Signer.Service);
        Assert.Equal(FakeAws.Region, call.Signer.Region);
        Assert.Equal(["content-type", "host", "x-amz-date"], call.Signer.SignedHeaders);
        Assert.All(ids, id => Assert.True(_aws.IsRegistered(id)));
        Assert.Empty(_aws.Rejected);
    }

    [Fact]
    public async Task DescribeTargetHealthParsesEveryDescription()
    {
        var ids = await RunningInstancesAsync(2);
        await Elb.RegisterTargetsAsync(FakeAws.TargetGroupArn, ids, Cancel);
        await Elb.DeregisterTargetsAsync(FakeAws.TargetGroupArn, [ids[1]], Cancel);

        var health = await Elb.DescribeTargetHealthAsync(FakeAws.TargetGroupArn, [ids[0], ids[1], "i-0notregistered"], Cancel);

        Assert.Equal(
            [
                new TargetHealthInfo(ids[0], 8080, "healthy", null, null),
                new TargetHealthInfo(ids[1], 8080, "draining", "Target.DeregistrationInProgress", "Target.DeregistrationInProgress"),
                new TargetHealthInfo("i-0notregistered", 8080, "unused", "Target.NotRegistered", "Target.NotRegistered"),
            ],
            health);
        Assert.Equal(["TargetGroupArn", "Targets.member.1.Id", "Targets.member.2.Id", "Targets.member.3.Id"],
            _aws.CallsOf("DescribeTargetHealth").Single().Parameters.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ReadsTheDeregistrationDelayFromTheTargetGroupAttributes()
    {
        _aws.DeregistrationDelaySeconds = 45;

        var delay = await Elb.DeregistrationDelayAsync(FakeAws.TargetGroupArn, Cancel);

        Assert.Equal(TimeSpan.FromSeconds(45), delay);
        Assert.Equal(new Dictionary<string, string> { ["TargetGroupArn"] = FakeAws.TargetGroupArn }, _aws.CallsOf("DescribeTargetGroupAttributes").Single().Parameters);
    }

    [Fact]
    public async Task ThrottlingIsRetriedWithBackoffUntilItSucceeds()
    {
        var ids = await RunningInstancesAsync(1);
        _aws.Fail("RegisterTargets", HttpStatusCode.BadRequest, "Throttling", "Rate exceeded", times: 2);

        await Elb.RegisterTargetsAsync(FakeAws.TargetGroupArn, ids, Cancel);

        Assert.Equal(3, _aws.CallsOf("RegisterTargets").Count);
        Assert.True(_aws.IsRegistered(ids[0]));
    }

    [Fact]
    public async Task ServerErrorsAreRetriedAFixedNumberOfTimesThenSurface()
    {
        _aws.Fail("DescribeTargetGroupAttributes", HttpStatusCode.ServiceUnavailable, "ServiceUnavailable", "try later", times: 10);

        var error = await Assert.ThrowsAsync<AwsApiException>(() => Elb.DescribeTargetGroupAttributesAsync(FakeAws.TargetGroupArn, Cancel));

        Assert.Equal("ServiceUnavailable", error.ErrorCode);
        Assert.Equal(4, _aws.CallsOf("DescribeTargetGroupAttributes").Count);
    }

    [Fact]
    public async Task ClientErrorsSurfaceAtOnceWithTheAwsCodeAndMessage()
    {
        var error = await Assert.ThrowsAsync<AwsApiException>(
            () => Elb.RegisterTargetsAsync("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/other/1", ["i-1"], Cancel));

        Assert.Equal("TargetGroupNotFound", error.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("ELBv2 RegisterTargets failed with TargetGroupNotFound: Target groups", error.Message);
        Assert.NotNull(error.RequestId);
        Assert.Single(_aws.CallsOf("RegisterTargets"));
    }

    [Fact]
    public async Task AWrongSecretIsDetectedByTheSignatureCheckAndNotRetried()
    {
        using var wrong = AwsTestServices.Build(_aws, _clock, secretKey: "not-the-secret");

        var error = await Assert.ThrowsAsync<AwsApiException>(
            () => wrong.GetRequiredService<ElbV2Client>().DescribeTargetGroupAttributesAsync(FakeAws.TargetGroupArn, Cancel));

        Assert.Equal("SignatureDoesNotMatch", error.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal("SignatureDoesNotMatch", Assert.Single(_aws.Rejected).Code);
        Assert.Empty(_aws.Calls);
    }

    [Fact]
    public async Task SessionCredentialsSendAndSignTheirToken()
    {
        using var aws = new FakeAws(sessionToken: "the-session-token");
        using var services = AwsTestServices.Build(aws, _clock, sessionToken: "the-session-token");

        await services.GetRequiredService<ElbV2Client>().DescribeTargetGroupAttributesAsync(FakeAws.TargetGroupArn, Cancel);

        Assert.Equal("the-session-token", Assert.Single(aws.Calls).Signer.SessionToken);
        Assert.Contains("x-amz-security-token", aws.Calls.Single().Signer.SignedHeaders);
    }

    [Fact]
    public void ErrorsThatAreNotXmlKeepTheirStatusAndAnExcerpt()
    {
        var client = new AwsQueryClient(new HttpClient(), new AwsQueryEndpoint("ELBv2", _aws.Url, FakeAws.Region, "elasticloadbalancing", "2015-12-01"),
            new Amazon.Runtime.BasicAWSCredentials("a", "b"), _services.GetRequiredService<AwsRetryPolicy>(), TimeProvider.System);

        var error = client.Error("RegisterTargets", HttpStatusCode.BadGateway, "<html>bad gateway</html");

        Assert.Equal("Http502", error.ErrorCode);
        Assert.True(error.IsRetryable);
        Assert.Contains("bad gateway", error.ErrorMessage);
    }

    private async Task<IReadOnlyList<string>> RunningInstancesAsync(int count)
    {
        var provisioner = _services.GetRequiredService<Ec2WorkerProvisioner>();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var instance = await provisioner.StartAsync(new Grains.Fleet.WorkerLaunch($"worker-{i + 1}-abc{i}", $"worker-{i + 1}"), Cancel);
            _aws.SetState(instance.InstanceId!, "running");
            ids.Add(instance.InstanceId!);
        }

        return ids;
    }
}
