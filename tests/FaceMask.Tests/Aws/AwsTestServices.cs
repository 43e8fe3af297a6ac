using Amazon.Runtime;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Fleet.Aws;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FaceMask.Tests.Aws;

/// <summary>
/// The real AddAwsWorkerProvisioner registration, configured through "Fleet:Aws" keys to talk to a
/// <see cref="FakeAws"/>, with the test's credentials and a FakeTimeProvider as the fleet clock.
/// </summary>
public static class AwsTestServices
{
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public static Dictionary<string, string?> Settings(FakeAws aws, bool targetGroup = true, TimeSpan? deregistrationDelay = null) => new()
    {
        ["Fleet:Provisioner"] = "Aws",
        ["Fleet:Aws:Region"] = FakeAws.Region,
        ["Fleet:Aws:ImageId"] = "ami-0123456789abcdef0",
        ["Fleet:Aws:InstanceType"] = "c5.large",
        ["Fleet:Aws:SubnetId"] = "subnet-0aaa1111",
        ["Fleet:Aws:SecurityGroupIds:0"] = "sg-0bbb2222",
        ["Fleet:Aws:SecurityGroupIds:1"] = "sg-0ccc3333",
        ["Fleet:Aws:IamInstanceProfile"] = "facemask-worker",
        ["Fleet:Aws:KeyName"] = "facemask-ops",
        ["Fleet:Aws:Tags:team"] = "vision",
        ["Fleet:Aws:TargetGroupArn"] = targetGroup ? FakeAws.TargetGroupArn : null,
        ["Fleet:Aws:LoadBalancerArn"] = FakeAws.LoadBalancerArn,
        ["Fleet:Aws:DeregistrationDelay"] = deregistrationDelay?.ToString(),
        ["Fleet:Aws:Ec2ServiceUrl"] = aws.Url.ToString(),
        ["Fleet:Aws:ElbServiceUrl"] = aws.Url.ToString(),
        ["Fleet:Aws:CloudWatchServiceUrl"] = aws.Url.ToString(),
        ["Fleet:Aws:RetryBaseDelay"] = "00:00:00.010",
        ["Fleet:Aws:RetryMaxDelay"] = "00:00:00.050",
        ["Cluster:Provider"] = "MySql",
        ["Cluster:ConnectionString"] = "Server=db.internal;Database=facemask;User=facemask",
        ["Detector:IntraOpThreads"] = "2",
        ["Worker:ClusterId"] = "facemask",
        ["Worker:Name"] = "worker-1",
        ["Admin:Password"] = "must never travel",
    };

    public static ServiceProvider Build(
        FakeAws aws,
        FakeTimeProvider clock,
        Action<Dictionary<string, string?>>? adjust = null,
        string secretKey = FakeAws.SecretKey,
        string? sessionToken = null)
    {
        var settings = Settings(aws);
        adjust?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.Section);
        services.AddKeyedSingleton<TimeProvider>(FleetTime.Key, clock);
        services.AddSingleton<AWSCredentials>(sessionToken is null
            ? new BasicAWSCredentials(FakeAws.AccessKey, secretKey)
            : new SessionAWSCredentials(FakeAws.AccessKey, secretKey, sessionToken));
        services.AddAwsWorkerProvisioner();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
