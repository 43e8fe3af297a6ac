using System.Net;
using FaceMask.Grains.Aws;
using FaceMask.Grains.Aws.CloudWatch;
using FaceMask.Grains.Aws.Query;
using FaceMask.Grains.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FaceMask.Tests.Aws;

public sealed class CloudWatchClientTests : IDisposable
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private readonly FakeAws _aws = new();
    private readonly ServiceProvider _services;

    public CloudWatchClientTests() => _services = AwsTestServices.Build(_aws, new FakeTimeProvider(AwsTestServices.Start));

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private CloudWatchClient CloudWatch => _services.GetRequiredService<CloudWatchClient>();

    public void Dispose()
    {
        _services.Dispose();
        _aws.Dispose();
    }

    [Fact]
    public async Task PutMetricDataFlattensEachDatumAsDocumentedAndSignsForMonitoring()
    {
        var at = new DateTimeOffset(2026, 11, 27, 12, 1, 0, TimeSpan.Zero);

        await _services.GetRequiredService<CloudWatchMetrics>().PublishRequestCountsAsync("worker-2-abcdef", 120, 118, at, Cancel);

        var call = Assert.Single(_aws.CallsOf("PutMetricData"));
        Assert.Equal("monitoring", call.Signer.Service);
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["Namespace"] = "FaceMask",
                ["MetricData.member.1.MetricName"] = "DetectionRequests",
                ["MetricData.member.1.Dimensions.member.1.Name"] = "WorkerId",
                ["MetricData.member.1.Dimensions.member.1.Value"] = "worker-2-abcdef",
                ["MetricData.member.1.Timestamp"] = "2026-11-27T12:01:00Z",
                ["MetricData.member.1.Value"] = "120",
                ["MetricData.member.1.Unit"] = "Count",
                ["MetricData.member.2.MetricName"] = "DetectionsCompleted",
                ["MetricData.member.2.Dimensions.member.1.Name"] = "WorkerId",
                ["MetricData.member.2.Dimensions.member.1.Value"] = "worker-2-abcdef",
                ["MetricData.member.2.Timestamp"] = "2026-11-27T12:01:00Z",
                ["MetricData.member.2.Value"] = "118",
                ["MetricData.member.2.Unit"] = "Count",
            },
            call.Parameters);
        Assert.Equal([(at, 120.0)], _aws.MetricPoints("FaceMask", "DetectionRequests", "WorkerId=worker-2-abcdef"));
    }

    [Fact]
    public async Task GetMetricDataSendsEachQueryAndFollowsNextTokenAcrossPages()
    {
        _aws.MetricPageSize = 2;
        var t0 = Now.AddMinutes(-5);
        _aws.AddMetricPoints("AWS/EC2", "CPUUtilization", "InstanceId=i-a", (t0, 10), (t0.AddMinutes(1), 20), (t0.AddMinutes(2), 30));
        _aws.AddMetricPoints("AWS/EC2", "CPUUtilization", "InstanceId=i-b", (t0, 50));

        var results = await CloudWatch.GetMetricDataAsync(
            [
                new MetricStatQuery("a", "AWS/EC2", "CPUUtilization", [new MetricDimension("InstanceId", "i-a")], TimeSpan.FromMinutes(1), "Average"),
                new MetricStatQuery("b", "AWS/EC2", "CPUUtilization", [new MetricDimension("InstanceId", "i-b")], TimeSpan.FromMinutes(1), "Average"),
            ],
            Now.AddMinutes(-10), Now, Cancel);

        Assert.Equal([10.0, 20.0, 30.0], results.Single(r => r.Id == "a").Points.Select(p => p.Value));
        Assert.Equal([50.0], results.Single(r => r.Id == "b").Points.Select(p => p.Value));
        Assert.Equal("Complete", results.Single(r => r.Id == "a").StatusCode);
        var calls = _aws.CallsOf("GetMetricData");
        Assert.Equal(2, calls.Count);
        var first = calls[0].Parameters;
        Assert.Equal("a", first["MetricDataQueries.member.1.Id"]);
        Assert.Equal("AWS/EC2", first["MetricDataQueries.member.1.MetricStat.Metric.Namespace"]);
        Assert.Equal("CPUUtilization", first["MetricDataQueries.member.1.MetricStat.Metric.MetricName"]);
        Assert.Equal("InstanceId", first["MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name"]);
        Assert.Equal("i-a", first["MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value"]);
        Assert.Equal("60", first["MetricDataQueries.member.1.MetricStat.Period"]);
        Assert.Equal("Average", first["MetricDataQueries.member.1.MetricStat.Stat"]);
        Assert.Equal("b", first["MetricDataQueries.member.2.Id"]);
        Assert.False(first.ContainsKey("NextToken"));
        Assert.Equal("2", calls[1].Parameters["NextToken"]);
    }

    [Fact]
    public async Task WorkerCpuIsTheAverageOfItsInstancesPointsAndNullWithoutData()
    {
        var source = _services.GetRequiredService<IWorkerCpuSource>();
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-1.5);
        _aws.AddMetricPoints("AWS/EC2", "CPUUtilization", "InstanceId=i-0aaa", (t0, 40), (t0.AddSeconds(60), 60));
        WorkerInstance[] workers =
        [
            new("w1", "worker-1", "i-0aaa", null, 0, 0),
            new("w2", "worker-2", "i-0bbb", null, 0, 0),
            new("w3", "worker-3", null, "127.0.0.1", 11111, 30000),
        ];

        var cpu = await source.AverageCpuAsync(workers, TimeSpan.FromMinutes(2), Cancel);

        Assert.Equal(50.0, cpu["w1"]);
        Assert.Null(cpu["w2"]);
        Assert.Null(cpu["w3"]);
        Assert.Single(_aws.CallsOf("GetMetricData")); // one query per EC2 worker, in one call
    }

    [Fact]
    public async Task HealthyHostCountQueriesTheTargetGroupAndLoadBalancerDimensions()
    {
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-2);
        const string dimensions = "LoadBalancer=app/facemask/fedcba9876543210,TargetGroup=targetgroup/facemask/0123456789abcdef";
        _aws.AddMetricPoints("AWS/ApplicationELB", "HealthyHostCount", dimensions, (t0, 3), (t0.AddMinutes(1), 2));
        var metrics = _services.GetRequiredService<CloudWatchMetrics>();

        Assert.Equal(2.0, await metrics.HealthyHostCountAsync(TimeSpan.FromMinutes(5), Cancel));
        Assert.Equal("Minimum", _aws.CallsOf("GetMetricData").Single().Parameters["MetricDataQueries.member.1.MetricStat.Stat"]);
    }

    [Fact]
    public async Task CloudWatchErrorsAreMappedAndThrottlingRetried()
    {
        _aws.Fail("PutMetricData", HttpStatusCode.BadRequest, "Throttling", "Rate exceeded");
        _aws.Fail("GetMetricData", HttpStatusCode.BadRequest, "InvalidParameterValue", "The value 7 for parameter Period is not valid.");
        MetricDatum[] datum = [new("DetectionRequests", 1, "Count", Now, [])];

        await CloudWatch.PutMetricDataAsync("FaceMask", datum, Cancel);
        var error = await Assert.ThrowsAsync<AwsApiException>(() => CloudWatch.GetMetricDataAsync(
            [new MetricStatQuery("a", "AWS/EC2", "CPUUtilization", [], TimeSpan.FromSeconds(7), "Average")], Now.AddMinutes(-1), Now, Cancel));

        Assert.Equal(2, _aws.CallsOf("PutMetricData").Count);
        Assert.Equal("InvalidParameterValue", error.ErrorCode);
        Assert.Contains("CloudWatch GetMetricData failed with InvalidParameterValue: The value 7 for parameter Period is not valid.", error.Message);
        Assert.Single(_aws.CallsOf("GetMetricData"));
    }
}
