using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using FaceMask.Grains.Aws;
using FaceMask.Grains.Aws.Query;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceMask.Grains.Fleet.Aws;

/// <summary>
/// Workers as EC2 instances. Start = RunInstances and return (the silo's address is unknown until it boots, so the
/// fleet matches it by silo name); liveness = DescribeInstances, and the first look at a running instance registers
/// it with the target group; stop = deregister, then terminate once the deregistration delay has passed.
/// <para>
/// The wait before termination must outlive this call and this silo, so it is kept in two places: a
/// <c>facemask:terminate-after</c> tag on the instance (the durable record) and an in-process timer (the fast path).
/// Any provisioner, on any silo, that looks at the instance later (a liveness probe, another stop) or sweeps for due
/// tags (at most once per <see cref="AwsProvisionerOptions.SweepInterval"/>, on every call) terminates it when due,
/// so a silo that dies mid-wait leaves no instance running.
/// </para>
/// </summary>
public sealed class Ec2WorkerProvisioner(
    Ec2Api ec2,
    ElbV2Client elb,
    WorkerUserData userData,
    IOptions<AwsProvisionerOptions> options,
    IOptions<FleetOptions> fleetOptions,
    [FromKeyedServices(FleetTime.Key)] TimeProvider time,
    ILogger<Ec2WorkerProvisioner> logger) : IWorkerProvisioner, IDisposable
{
    public const string WorkerIdTag = "facemask:worker-id";
    public const string RoleTag = "facemask:role";
    public const string RoleWorker = "worker";
    public const string TerminateAfterTag = "facemask:terminate-after";
    private static readonly TimeSpan TerminateCallTimeout = TimeSpan.FromSeconds(30);

    private readonly AwsProvisionerOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, byte> _registered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _terminating = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposed = new();
    private TimeSpan? _targetGroupDelay;
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;
    private int _disposedOnce;

    public static bool IsInstanceId(string? id) => id is not null && id.StartsWith("i-", StringComparison.Ordinal);

    public async Task<WorkerInstance> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken)
    {
        await SweepIfDueAsync(cancellationToken);
        var request = LaunchRequest(launch);
        var instance = await ec2.RunInstanceAsync(request, cancellationToken);
        logger.LogInformation("Launched {Worker} as EC2 instance {InstanceId} ({State})", launch.Name, instance.InstanceId, instance.State);
        return new WorkerInstance(launch.WorkerId, launch.Name, instance.InstanceId, Address: null, SiloPort: 0, GatewayPort: 0);
    }

    public async Task<bool> IsAliveAsync(WorkerInstance instance, CancellationToken cancellationToken)
    {
        if (!IsInstanceId(instance.InstanceId))
        {
            return true; // not an instance of ours (an adopted silo): membership decides
        }

        var id = instance.InstanceId!;
        await SweepIfDueAsync(cancellationToken);
        if (await ec2.DescribeAsync(id, cancellationToken) is not { } view)
        {
            // EC2 is eventually consistent: a just-launched instance may not be visible yet. Unknown is alive; a
            // worker that never shows up fails through the fleet's start timeout.
            logger.LogDebug("EC2 does not know {InstanceId} of {Worker} (yet)", id, instance.Name);
            return true;
        }

        switch (view.State)
        {
            case "shutting-down" or "terminated":
                Forget(id);
                return false;
            case "stopping" or "stopped":
                return false; // stopped from outside: it serves nothing; the fleet replaces it
        }

        if (TerminateAfter(view) is { } due)
        {
            await FinishStopAsync(id, due, cancellationToken);
            return true;
        }

        if (view.State == "running" && _options.TargetGroupArn is { } targetGroup && !_terminating.ContainsKey(id) && !_registered.ContainsKey(id))
        {
            // Idempotent: after a fleet failover another silo registers it once more, harmlessly.
            await elb.RegisterTargetsAsync(targetGroup, [id], cancellationToken);
            _registered[id] = 0;
            logger.LogInformation("Registered {Worker} ({InstanceId}) with the target group", instance.Name, id);
        }

        return true;
    }

    public async Task StopAsync(WorkerInstance instance, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!IsInstanceId(instance.InstanceId))
        {
            logger.LogInformation("{Worker} has no EC2 instance to stop", instance.Name);
            return;
        }

        var id = instance.InstanceId!;
        await SweepIfDueAsync(cancellationToken);
        var delay = TimeSpan.Zero;
        if (_options.TargetGroupArn is { } targetGroup)
        {
            try
            {
                await elb.DeregisterTargetsAsync(targetGroup, [id], cancellationToken);
            }
            catch (AwsApiException ex) when (ex.ErrorCode == "InvalidTarget")
            {
                // Never registered, or already gone: nothing to drain.
                logger.LogInformation("{Worker} ({InstanceId}) was not a target: {Error}", instance.Name, id, ex.ErrorMessage);
            }

            _registered.TryRemove(id, out _);
            if (grace > TimeSpan.Zero)
            {
                delay = await DeregistrationDelayAsync(targetGroup, cancellationToken);
            }
        }

        if (delay <= TimeSpan.Zero)
        {
            // Termination shuts the OS down: systemd stops the silo with SIGTERM, a graceful Orleans shutdown.
            await TerminateAsync(id, cancellationToken);
            return;
        }

        var due = time.GetUtcNow() + delay;
        await ec2.TagAsync(id, TerminateAfterTag, due.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), cancellationToken);
        logger.LogInformation("Deregistered {Worker} ({InstanceId}); terminating it at {Due:O}", instance.Name, id, due);
        Schedule(id, due);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposedOnce, 1) == 0)
        {
            _disposed.Cancel();
            _disposed.Dispose();
        }
    }

    internal RunInstancesRequest LaunchRequest(WorkerLaunch launch)
    {
        var tags = new List<Tag>
        {
            new("Name", launch.Name),
            new(WorkerIdTag, launch.WorkerId),
            new(RoleTag, RoleWorker),
        };
        tags.AddRange((_options.Tags ?? []).Where(t => t.Key is not ("Name" or WorkerIdTag or RoleTag)).Select(t => new Tag(t.Key, t.Value)));
        var request = new RunInstancesRequest
        {
            ImageId = _options.ImageId,
            InstanceType = InstanceType.FindValue(_options.InstanceType),
            MinCount = 1,
            MaxCount = 1,
            // Idempotency: a fleet that launches the same Pending worker again (after a failover) gets the same instance.
            ClientToken = launch.WorkerId,
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(userData.Render(launch))),
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = tags }],
        };
        if (_options.SubnetId is { Length: > 0 } subnet)
        {
            request.SubnetId = subnet;
        }

        if (_options.SecurityGroupIds is { Length: > 0 } groups)
        {
            request.SecurityGroupIds = [.. groups];
        }

        if (_options.IamInstanceProfile is { Length: > 0 } profile)
        {
            request.IamInstanceProfile = profile.StartsWith("arn:", StringComparison.Ordinal)
                ? new IamInstanceProfileSpecification { Arn = profile }
                : new IamInstanceProfileSpecification { Name = profile };
        }

        if (_options.KeyName is { Length: > 0 } key)
        {
            request.KeyName = key;
        }

        return request;
    }

    private async Task<TimeSpan> DeregistrationDelayAsync(string targetGroup, CancellationToken cancellationToken)
    {
        if (_options.DeregistrationDelay is { } configured)
        {
            return configured;
        }

        if (_targetGroupDelay is not { } delay)
        {
            delay = await elb.DeregistrationDelayAsync(targetGroup, cancellationToken);
            _targetGroupDelay = delay;
            var watched = fleetOptions.Value.DrainGrace + fleetOptions.Value.StopTimeout;
            if (delay > watched)
            {
                logger.LogWarning(
                    "The target group's deregistration delay ({Delay}) is longer than Fleet:DrainGrace + Fleet:StopTimeout ({Watched}): "
                    + "removed workers will show Terminated before their instances are. Set Fleet:Aws:DeregistrationDelay or raise Fleet:StopTimeout.",
                    delay, watched);
            }
        }

        return delay;
    }

    /// <summary>Terminates the instance when its tagged time has come; before that, makes sure this process has a timer for it.</summary>
    private async Task FinishStopAsync(string id, DateTimeOffset due, CancellationToken cancellationToken)
    {
        if (time.GetUtcNow() >= due)
        {
            await TerminateAsync(id, cancellationToken);
        }
        else
        {
            Schedule(id, due);
        }
    }

    private void Schedule(string id, DateTimeOffset due)
    {
        if (Volatile.Read(ref _disposedOnce) == 1 || (_terminating.TryGetValue(id, out var scheduled) && scheduled == due))
        {
            return; // shutting down (the tag lets another silo finish), or already scheduled
        }

        _terminating[id] = due;
        var stopping = _disposed.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                var wait = due - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stopping);
                }

                if (_terminating.TryGetValue(id, out var current) && current == due)
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    deadline.CancelAfter(TerminateCallTimeout);
                    await TerminateAsync(id, deadline.Token);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                // This silo is going away; the tag lets another one finish.
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not terminate {InstanceId} when due; the next look at it retries", id);
            }
        }, CancellationToken.None);
    }

    private async Task TerminateAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await ec2.TerminateAsync(id, cancellationToken);
            logger.LogInformation("Terminated EC2 instance {InstanceId}", id);
        }
        catch (AwsApiException ex) when (ex.ErrorCode == "InvalidInstanceID.NotFound")
        {
            logger.LogInformation("EC2 instance {InstanceId} is already gone", id);
        }

        Forget(id);
    }

    /// <summary>Terminates instances whose terminate-after time has passed, whoever tagged them (a silo that died meanwhile).</summary>
    private async Task SweepIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + _options.SweepInterval;
        try
        {
            var tagged = await ec2.DescribeAsync(
                [
                    new Filter("tag-key", [TerminateAfterTag]),
                    new Filter($"tag:{RoleTag}", [RoleWorker]),
                    new Filter("instance-state-name", ["pending", "running", "stopping", "stopped"]),
                ],
                cancellationToken);
            foreach (var view in tagged)
            {
                if (TerminateAfter(view) is { } due)
                {
                    await FinishStopAsync(view.InstanceId, due, cancellationToken);
                }
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not look for EC2 workers due for termination");
        }
    }

    private static DateTimeOffset? TerminateAfter(Ec2InstanceView view) =>
        view.Tags.TryGetValue(TerminateAfterTag, out var text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var due)
            ? due
            : null;

    private void Forget(string id)
    {
        _registered.TryRemove(id, out _);
        _terminating.TryRemove(id, out _);
    }
}
