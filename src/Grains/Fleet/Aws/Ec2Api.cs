using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using FaceMask.Grains.Aws;

namespace FaceMask.Grains.Fleet.Aws;

/// <summary>An instance as the provisioner needs it: id, state name (pending, running, …) and tags.</summary>
public sealed record Ec2InstanceView(string InstanceId, string State, IReadOnlyDictionary<string, string> Tags);

/// <summary>
/// The EC2 calls of the provisioner through AWSSDK.EC2 with the SDK's own retries off: each call goes through
/// <see cref="AwsRetryPolicy"/> and its failures become <see cref="AwsApiException"/>s.
/// </summary>
public sealed class Ec2Api(IAmazonEC2 ec2, AwsRetryPolicy retry) : IDisposable
{
    private const string Service = "EC2";

    /// <summary>Launches one instance; a repeated client token answers the instance it launched before.</summary>
    public async Task<Ec2InstanceView> RunInstanceAsync(RunInstancesRequest request, CancellationToken cancellationToken)
    {
        var response = await CallAsync("RunInstances", token => ec2.RunInstancesAsync(request, token), cancellationToken);
        var instance = response.Reservation?.Instances?.FirstOrDefault()
            ?? throw new AwsApiException(Service, "RunInstances", response.HttpStatusCode, "MalformedResponse", "the answer lists no instance", response.ResponseMetadata?.RequestId);
        return View(instance);
    }

    /// <summary>The instance, or null when EC2 does not know it (yet: right after launch, or no longer).</summary>
    public async Task<Ec2InstanceView?> DescribeAsync(string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            var found = await DescribeAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
            return found.FirstOrDefault(i => i.InstanceId == instanceId);
        }
        catch (AwsApiException ex) when (ex.ErrorCode == "InvalidInstanceID.NotFound")
        {
            return null;
        }
    }

    /// <summary>Every instance matching the filters, across pages.</summary>
    public async Task<IReadOnlyList<Ec2InstanceView>> DescribeAsync(IReadOnlyList<Filter> filters, CancellationToken cancellationToken) =>
        await DescribeAsync(new DescribeInstancesRequest { Filters = [.. filters] }, cancellationToken);

    public Task TerminateAsync(string instanceId, CancellationToken cancellationToken) =>
        CallAsync("TerminateInstances", token => ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [instanceId] }, token), cancellationToken);

    public Task TagAsync(string instanceId, string key, string value, CancellationToken cancellationToken) =>
        CallAsync("CreateTags", token => ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [instanceId], Tags = [new Tag(key, value)] }, token), cancellationToken);

    public void Dispose() => ec2.Dispose();

    private async Task<List<Ec2InstanceView>> DescribeAsync(DescribeInstancesRequest request, CancellationToken cancellationToken)
    {
        var views = new List<Ec2InstanceView>();
        do
        {
            var response = await CallAsync("DescribeInstances", token => ec2.DescribeInstancesAsync(request, token), cancellationToken);
            views.AddRange((response.Reservations ?? []).SelectMany(r => r.Instances ?? []).Select(View));
            request.NextToken = response.NextToken;
        }
        while (!string.IsNullOrEmpty(request.NextToken));

        return views;
    }

    private Task<T> CallAsync<T>(string action, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(Service, action, async token =>
        {
            try
            {
                return await call(token);
            }
            catch (AmazonServiceException ex) when (!string.IsNullOrEmpty(ex.ErrorCode))
            {
                throw new AwsApiException(Service, action, ex.StatusCode, ex.ErrorCode, ex.Message, ex.RequestId, ex);
            }
        }, cancellationToken);

    private static Ec2InstanceView View(Instance instance) => new(
        instance.InstanceId,
        instance.State?.Name?.Value ?? "unknown",
        (instance.Tags ?? []).Where(t => t.Key is not null).GroupBy(t => t.Key).ToDictionary(g => g.Key, g => g.Last().Value ?? "", StringComparer.Ordinal));
}
