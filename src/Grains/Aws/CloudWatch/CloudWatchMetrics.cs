using FaceMask.Grains.Aws.Query;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Fleet.Aws;
using Microsoft.Extensions.Options;

namespace FaceMask.Grains.Aws.CloudWatch;

/// <summary>
/// CloudWatch as an optional metrics source and sink: the EC2 CPUUtilization of worker instances and the target
/// group's HealthyHostCount read through GetMetricData, and detection request counts published with PutMetricData.
/// </summary>
public sealed class CloudWatchMetrics(CloudWatchClient cloudWatch, IOptions<AwsProvisionerOptions> options, TimeProvider time) : IWorkerCpuSource
{
    public const string Ec2Namespace = "AWS/EC2";
    public const string ApplicationElbNamespace = "AWS/ApplicationELB";
    private static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    /// <summary>Average of the per-minute CPUUtilization averages over the window, per worker id (EC2 instances only).</summary>
    public async Task<IReadOnlyDictionary<string, double?>> AverageCpuAsync(
        IReadOnlyList<WorkerInstance> workers, TimeSpan window, CancellationToken cancellationToken)
    {
        var answer = workers.ToDictionary(w => w.WorkerId, _ => (double?)null, StringComparer.Ordinal);
        var ec2 = workers.Where(w => Ec2WorkerProvisioner.IsInstanceId(w.InstanceId)).ToList();
        if (ec2.Count == 0)
        {
            return answer;
        }

        // GetMetricData query ids must start with a lower-case letter and be unique: cpu0, cpu1, ...
        var queries = ec2.Select((w, i) => new MetricStatQuery(
            $"cpu{i}", Ec2Namespace, "CPUUtilization", [new MetricDimension("InstanceId", w.InstanceId!)], Period, "Average")).ToList();
        var end = time.GetUtcNow();
        var results = await cloudWatch.GetMetricDataAsync(queries, end - window, end, cancellationToken);
        foreach (var result in results)
        {
            var index = int.Parse(result.Id.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture);
            answer[ec2[index].WorkerId] = result.Points.Count > 0 ? result.Points.Average(p => p.Value) : null;
        }

        return answer;
    }

    /// <summary>The target group's latest per-minute minimum HealthyHostCount in the window, or null without data.</summary>
    public async Task<double?> HealthyHostCountAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.TargetGroupArn is not { } targetGroup || settings.LoadBalancerArn is not { } loadBalancer)
        {
            throw new InvalidOperationException("HealthyHostCount needs Fleet:Aws:TargetGroupArn and Fleet:Aws:LoadBalancerArn.");
        }

        var query = new MetricStatQuery("healthy", ApplicationElbNamespace, "HealthyHostCount",
            [new MetricDimension("TargetGroup", ArnResource(targetGroup)), new MetricDimension("LoadBalancer", LoadBalancerDimension(loadBalancer))],
            Period, "Minimum");
        var end = time.GetUtcNow();
        var result = (await cloudWatch.GetMetricDataAsync([query], end - window, end, cancellationToken)).Single();
        return result.Points.Count > 0 ? result.Points[^1].Value : null;
    }

    /// <summary>Publishes a worker's detection requests (received, completed) for one interval as Count metrics.</summary>
    public Task PublishRequestCountsAsync(string workerId, long received, long completed, DateTimeOffset timestamp, CancellationToken cancellationToken)
    {
        MetricDimension[] dimensions = [new("WorkerId", workerId)];
        return cloudWatch.PutMetricDataAsync(
            options.Value.MetricsNamespace,
            [
                new MetricDatum("DetectionRequests", received, "Count", timestamp, dimensions),
                new MetricDatum("DetectionsCompleted", completed, "Count", timestamp, dimensions),
            ],
            cancellationToken);
    }

    /// <summary>"targetgroup/name/id" from a target group ARN: the form CloudWatch's TargetGroup dimension takes.</summary>
    public static string ArnResource(string arn) => arn[(arn.IndexOf(":targetgroup/", StringComparison.Ordinal) + 1)..];

    /// <summary>"app/name/id" from a load balancer ARN (…:loadbalancer/app/name/id).</summary>
    public static string LoadBalancerDimension(string arn)
    {
        const string marker = ":loadbalancer/";
        var at = arn.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? arn : arn[(at + marker.Length)..];
    }
}
