using System.ComponentModel.DataAnnotations;

namespace FaceMask.Grains.Fleet.Aws;

/// <summary>
/// Workers as EC2 instances behind an ELB target group ("Fleet:Aws" section, used when Fleet:Provisioner is Aws).
/// Credentials never come from here: the SDK's default chain (environment, instance profile) supplies them.
/// </summary>
public sealed class AwsProvisionerOptions : IValidatableObject
{
    public const string Section = "Fleet:Aws";

    [Required]
    public string Region { get; set; } = "";

    /// <summary>The worker AMI (programs and systemd units installed; see deploy/README.md).</summary>
    [Required]
    [RegularExpression("^ami-[0-9a-f]+$", ErrorMessage = "Fleet:Aws:ImageId must look like ami-0123456789abcdef0.")]
    public string ImageId { get; set; } = "";

    [Required]
    public string InstanceType { get; set; } = "t3.small";

    public string? SubnetId { get; set; }

    public string[]? SecurityGroupIds { get; set; }

    /// <summary>The instance profile: its name, or its ARN (arn:aws:iam::…:instance-profile/…).</summary>
    public string? IamInstanceProfile { get; set; }

    public string? KeyName { get; set; }

    /// <summary>Extra tags on every worker instance (Name, facemask:worker-id and facemask:role are always set).</summary>
    public Dictionary<string, string>? Tags { get; set; }

    /// <summary>A cloud-init template file; default: the built-in template (the same text as deploy/cloud-init/worker.yaml).</summary>
    public string? UserDataTemplatePath { get; set; }

    /// <summary>Configuration sections written into each worker's environment file.</summary>
    public string[]? ForwardSections { get; set; }

    /// <summary>Also start WebFront on each worker; default: when a target group is set (the instances are its targets).</summary>
    public bool? RunWebFront { get; set; }

    /// <summary>The ELB target group the workers are registered with once running; none: no registration.</summary>
    public string? TargetGroupArn { get; set; }

    /// <summary>For the HealthyHostCount metric only.</summary>
    public string? LoadBalancerArn { get; set; }

    /// <summary>
    /// Wait between deregistration and termination; default: the target group's deregistration_delay.timeout_seconds,
    /// read once. Must not exceed Fleet:DrainGrace + Fleet:StopTimeout.
    /// </summary>
    public TimeSpan? DeregistrationDelay { get; set; }

    /// <summary>How often a provisioner looks for instances whose termination is due (left over by a silo that died).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Endpoint overrides, for tests or AWS-compatible services; default: the region's public endpoints.</summary>
    public Uri? Ec2ServiceUrl { get; set; }

    public Uri? ElbServiceUrl { get; set; }

    public Uri? CloudWatchServiceUrl { get; set; }

    /// <summary>Attempts per AWS call, the first included (throttling, 5xx and network failures only).</summary>
    [Range(1, 10)]
    public int MaxAttempts { get; set; } = 4;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Timeout of one HTTP request to AWS.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>CloudWatch namespace of FaceMask's own metrics.</summary>
    [Required]
    public string MetricsNamespace { get; set; } = "FaceMask";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, url) in new[] { (nameof(Ec2ServiceUrl), Ec2ServiceUrl), (nameof(ElbServiceUrl), ElbServiceUrl), (nameof(CloudWatchServiceUrl), CloudWatchServiceUrl) })
        {
            if (url is not null && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            {
                yield return new ValidationResult($"Fleet:Aws:{name} must be an absolute http(s) URL.", [name]);
            }
        }

        if (DeregistrationDelay is { } delay && (delay < TimeSpan.Zero || delay > TimeSpan.FromHours(1)))
        {
            yield return new ValidationResult("Fleet:Aws:DeregistrationDelay must be between 0 and 1 hour.", [nameof(DeregistrationDelay)]);
        }

        foreach (var (name, value) in new[]
                 {
                     (nameof(SweepInterval), SweepInterval), (nameof(RetryBaseDelay), RetryBaseDelay),
                     (nameof(RetryMaxDelay), RetryMaxDelay), (nameof(RequestTimeout), RequestTimeout),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"Fleet:Aws:{name} must be positive.", [name]);
            }
        }

        if (TargetGroupArn is { } arn && !arn.StartsWith("arn:", StringComparison.Ordinal))
        {
            yield return new ValidationResult("Fleet:Aws:TargetGroupArn must be an ARN.", [nameof(TargetGroupArn)]);
        }
    }
}
