using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using FaceMask.Grains.Aws;
using FaceMask.Grains.Aws.CloudWatch;
using FaceMask.Grains.Aws.Query;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceMask.Grains.Fleet.Aws;

public static class AwsProvisionerServiceCollectionExtensions
{
    /// <summary>
    /// Workers as EC2 instances registered with an ELB target group ("Fleet:Aws" section); replaces any other
    /// provisioner. Also registers the ELBv2 and CloudWatch Query clients and CloudWatch as an optional
    /// <see cref="IWorkerCpuSource"/>. Credentials come from the SDK's default chain (environment variables, the
    /// instance profile, …) unless an <see cref="AWSCredentials"/> is registered first.
    /// </summary>
    public static IServiceCollection AddAwsWorkerProvisioner(this IServiceCollection services)
    {
        services.AddOptions<AwsProvisionerOptions>()
            .BindConfiguration(AwsProvisionerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AwsProvisionerOptions>, DelayWithinFleetWatch>();
        services.TryAddKeyedSingleton(FleetTime.Key, TimeProvider.System);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<AWSCredentials>(_ => DefaultAWSCredentialsIdentityResolver.GetCredentials());
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AwsProvisionerOptions>>().Value;
            return new AwsRetryPolicy(o.MaxAttempts, o.RetryBaseDelay, o.RetryMaxDelay, sp.GetRequiredService<ILogger<AwsRetryPolicy>>());
        });
        services.TryAddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<AwsProvisionerOptions>>().Value;
            return new AwsHttp(new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = o.RequestTimeout });
        });
        services.TryAddSingleton(sp => new Ec2Api(CreateEc2(sp), sp.GetRequiredService<AwsRetryPolicy>()));
        services.TryAddSingleton(sp => new ElbV2Client(QueryClient(sp, "ELBv2", o => o.ElbServiceUrl, "elasticloadbalancing", ElbV2Client.SigningName, ElbV2Client.Version)));
        services.TryAddSingleton(sp => new CloudWatchClient(QueryClient(sp, "CloudWatch", o => o.CloudWatchServiceUrl, "monitoring", CloudWatchClient.SigningName, CloudWatchClient.Version)));
        services.TryAddSingleton<CloudWatchMetrics>();
        services.TryAddSingleton<IWorkerCpuSource>(sp => sp.GetRequiredService<CloudWatchMetrics>());
        services.TryAddSingleton<WorkerUserData>();
        services.AddSingleton<Ec2WorkerProvisioner>();
        services.RemoveAll<IWorkerProvisioner>();
        services.AddSingleton<IWorkerProvisioner>(sp => sp.GetRequiredService<Ec2WorkerProvisioner>());
        return services;
    }

    private static AmazonEC2Client CreateEc2(IServiceProvider services)
    {
        var o = services.GetRequiredService<IOptions<AwsProvisionerOptions>>().Value;
        // Retries are AwsRetryPolicy's, the same for every AWS call.
        var config = new AmazonEC2Config { MaxErrorRetry = 0, Timeout = o.RequestTimeout };
        if (o.Ec2ServiceUrl is { } url)
        {
            config.ServiceURL = url.ToString();
            config.AuthenticationRegion = o.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(o.Region);
        }

        return new AmazonEC2Client(services.GetRequiredService<AWSCredentials>(), config);
    }

    private static AwsQueryClient QueryClient(
        IServiceProvider services, string service, Func<AwsProvisionerOptions, Uri?> overrideUrl, string host, string signingName, string version)
    {
        var o = services.GetRequiredService<IOptions<AwsProvisionerOptions>>().Value;
        var url = overrideUrl(o) ?? new Uri($"https://{host}.{o.Region}.amazonaws.com/");
        return new AwsQueryClient(
            services.GetRequiredService<AwsHttp>().Client,
            new AwsQueryEndpoint(service, url, o.Region, signingName, version),
            services.GetRequiredService<AWSCredentials>(),
            services.GetRequiredService<AwsRetryPolicy>(),
            services.GetRequiredService<TimeProvider>());
    }

    /// <summary>
    /// A configured deregistration delay longer than the fleet watches a draining worker would show it Terminated
    /// while its instance still runs: refused at start.
    /// </summary>
    private sealed class DelayWithinFleetWatch(IOptions<FleetOptions> fleet) : IValidateOptions<AwsProvisionerOptions>
    {
        public ValidateOptionsResult Validate(string? name, AwsProvisionerOptions options)
        {
            var watched = fleet.Value.DrainGrace + fleet.Value.StopTimeout;
            return options.DeregistrationDelay is { } delay && delay > watched
                ? ValidateOptionsResult.Fail(
                    $"Fleet:Aws:DeregistrationDelay ({delay}) exceeds Fleet:DrainGrace + Fleet:StopTimeout ({watched}); raise Fleet:StopTimeout.")
                : ValidateOptionsResult.Success;
        }
    }
}

/// <summary>The HTTP client of the Query clients, disposed with the host.</summary>
public sealed class AwsHttp(HttpClient client) : IDisposable
{
    public HttpClient Client { get; } = client;

    public void Dispose() => Client.Dispose();
}
