using FaceMask.Grains.Fleet;
using Microsoft.Extensions.Logging;

namespace FaceMask.Grains.Scaling;

/// <summary>
/// The scaling policy. A valid update is saved and then its min/max go to the fleet of the same key; if that push
/// fails, the policy is still saved and the next read (the scaler reads every tick) pushes again.
/// </summary>
public sealed class PolicyGrain(
    [PersistentState("policy", StorageNames.Cluster)] IPersistentState<PolicyState> policy,
    ILogger<PolicyGrain> logger) : Grain, IPolicyGrain
{
    private ScalingPolicy Current => policy.State.Policy ?? ScalingPolicy.Default;

    public async Task<ScalingPolicy> GetAsync()
    {
        if (policy.State.BoundsPending)
        {
            await PushBoundsAsync();
        }

        return Current;
    }

    public async Task<PolicyUpdate> UpdateAsync(ScalingPolicy update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var errors = PolicyRules.Validate(update);
        if (errors.Count > 0)
        {
            return new PolicyUpdate(false, Current, errors);
        }

        policy.State.Policy = update;
        policy.State.BoundsPending = true;
        await policy.WriteStateAsync();
        await PushBoundsAsync();
        logger.LogInformation("Scaling policy {Key} saved: {Policy}", this.GetPrimaryKeyString(), update);
        return new PolicyUpdate(true, update, []);
    }

    private async Task PushBoundsAsync()
    {
        var current = Current;
        try
        {
            // Policy, scaler and fleet of a deployment share one key ("default").
            await GrainFactory.GetGrain<IFleetGrain>(this.GetPrimaryKeyString()).SetBoundsAsync(current.MinWorkers, current.MaxWorkers);
            policy.State.BoundsPending = false;
            await policy.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The fleet did not take the policy's bounds {Min}..{Max}; retried on the next read", current.MinWorkers, current.MaxWorkers);
        }
    }
}
