using System.Globalization;

namespace FaceMask.Grains.Aws.Query;

/// <summary>A target's health as the load balancer sees it: initial, healthy, unhealthy, unused, draining, unavailable.</summary>
public sealed record TargetHealthInfo(string Id, int? Port, string State, string? Reason, string? Description);

/// <summary>
/// Elastic Load Balancing v2 (API version 2015-12-01) through the Query protocol: target registration and health,
/// and target group attributes.
/// </summary>
public sealed class ElbV2Client(AwsQueryClient query)
{
    public const string Version = "2015-12-01";
    public const string SigningName = "elasticloadbalancing";
    public const string DeregistrationDelayKey = "deregistration_delay.timeout_seconds";

    /// <summary>Registers instances (on the target group's port); registering one already registered changes nothing.</summary>
    public Task RegisterTargetsAsync(string targetGroupArn, IReadOnlyList<string> targetIds, CancellationToken cancellationToken) =>
        query.SendAsync("RegisterTargets", TargetParameters(targetGroupArn, targetIds), cancellationToken);

    /// <summary>Deregisters instances: the load balancer stops sending them new requests and drains for the group's delay.</summary>
    public Task DeregisterTargetsAsync(string targetGroupArn, IReadOnlyList<string> targetIds, CancellationToken cancellationToken) =>
        query.SendAsync("DeregisterTargets", TargetParameters(targetGroupArn, targetIds), cancellationToken);

    /// <summary>The health of the given targets, or of every registered target when none is given.</summary>
    public async Task<IReadOnlyList<TargetHealthInfo>> DescribeTargetHealthAsync(
        string targetGroupArn, IReadOnlyList<string>? targetIds, CancellationToken cancellationToken)
    {
        const string action = "DescribeTargetHealth";
        var root = await query.SendAsync(action, TargetParameters(targetGroupArn, targetIds ?? []), cancellationToken);
        return root.Result(action).Members("TargetHealthDescriptions")
            .Select(d =>
            {
                var target = d.Child("Target");
                var health = d.Child("TargetHealth");
                return new TargetHealthInfo(
                    target?.Child("Id")?.Value ?? throw new FormatException("A target health description has no Target/Id."),
                    int.TryParse(target.Child("Port")?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? port : null,
                    health?.Child("State")?.Value ?? "unknown",
                    health?.Child("Reason")?.Value,
                    health?.Child("Description")?.Value);
            })
            .ToList();
    }

    public async Task<IReadOnlyDictionary<string, string>> DescribeTargetGroupAttributesAsync(string targetGroupArn, CancellationToken cancellationToken)
    {
        const string action = "DescribeTargetGroupAttributes";
        var root = await query.SendAsync(action, [KeyValuePair.Create("TargetGroupArn", targetGroupArn)], cancellationToken);
        return root.Result(action).Members("Attributes")
            .Where(a => a.Child("Key") is not null)
            .ToDictionary(a => a.Child("Key")!.Value, a => a.Child("Value")?.Value ?? "", StringComparer.Ordinal);
    }

    /// <summary>The target group's deregistration delay (attribute deregistration_delay.timeout_seconds).</summary>
    public async Task<TimeSpan> DeregistrationDelayAsync(string targetGroupArn, CancellationToken cancellationToken)
    {
        var attributes = await DescribeTargetGroupAttributesAsync(targetGroupArn, cancellationToken);
        return attributes.TryGetValue(DeregistrationDelayKey, out var text)
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"Target group {targetGroupArn} reports no {DeregistrationDelayKey}.");
    }

    private static List<KeyValuePair<string, string>> TargetParameters(string targetGroupArn, IReadOnlyList<string> targetIds)
    {
        var parameters = new List<KeyValuePair<string, string>> { new("TargetGroupArn", targetGroupArn) };
        for (var i = 0; i < targetIds.Count; i++)
        {
            parameters.Add(new($"Targets.member.{i + 1}.Id", targetIds[i]));
        }

        return parameters;
    }
}
