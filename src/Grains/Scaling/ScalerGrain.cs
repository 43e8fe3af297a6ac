using FaceMask.Grains.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Storage;

namespace FaceMask.Grains.Scaling;

/// <summary>
/// The auto-scaler of one deployment; its key is also the key of the policy it reads and the fleet it sizes. A
/// durable reminder ticks it while it is enabled; disabling unregisters the reminder, so a disabled scaler costs
/// nothing (a stray tick that still arrives unregisters it again and decides nothing). Not reentrant: a reminder
/// tick and a <see cref="TickAsync"/> call never overlap, and neither overlaps a switch.
/// </summary>
public sealed class ScalerGrain(
    [PersistentState("scaler", StorageNames.Cluster)] IPersistentState<ScalerState> scaler,
    IOptions<ScalerOptions> options,
    [FromKeyedServices(FleetTime.Key)] TimeProvider time,
    ILocalSiloDetails silo,
    ILogger<ScalerGrain> logger) : Grain, IScalerGrain, IRemindable
{
    public const string TickReminder = "scaler-tick";

    private readonly ScalerOptions _options = options.Value;

    private string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (!scaler.RecordExists)
        {
            // A fresh system: the configured first state, stored so that later switches are what counts.
            scaler.State.Enabled = _options.EnabledAtStart;
            await scaler.WriteStateAsync(cancellationToken);
        }

        if (scaler.State.Enabled)
        {
            await EnsureReminderAsync(cancellationToken);
        }
    }

    public Task<ScalerStatus> StatusAsync() => Task.FromResult(Status());

    public async Task<ScalerStatus> EnableAsync()
    {
        scaler.State.Enabled = true;
        await SaveAsync();
        await EnsureReminderAsync(CancellationToken.None);
        logger.LogInformation("Scaler {Key} enabled, ticking every {Period}", Key, _options.Period);
        return Status();
    }

    public async Task<ScalerStatus> DisableAsync()
    {
        scaler.State.Enabled = false;
        await SaveAsync();
        await StopReminderAsync();
        logger.LogInformation("Scaler {Key} disabled", Key);
        return Status();
    }

    public Task<DecisionPage> DecisionsAsync(int skip, int take) => Task.FromResult(scaler.State.Page(skip, take));

    /// <summary>Runs a tick whether or not the scaler is enabled: an explicit request (tests, experiments).</summary>
    public Task<ScalingDecision> TickAsync() => RunTickAsync();

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != TickReminder)
        {
            return;
        }

        if (!scaler.State.Enabled)
        {
            await StopReminderAsync();
            return;
        }

        await RunTickAsync();
    }

    private ScalerStatus Status() => new(
        scaler.State.Enabled,
        _options.Period,
        scaler.State.LastTickAt,
        scaler.State.Memory.CapacityEstimate,
        scaler.State.Memory.CooldownTicksLeft,
        scaler.State.Decisions.Count);

    /// <summary>
    /// Observe, decide, apply, log. A failed or refused apply is logged in the decision and starts no cooldown, so
    /// the next tick decides again; a tick that fails before deciding is logged as such and changes nothing else.
    /// </summary>
    private async Task<ScalingDecision> RunTickAsync()
    {
        var now = time.GetUtcNow();
        var state = scaler.State;
        var sequence = state.NextSequence;
        ScalingPolicy? policy = null;
        ScalingDecision decision;
        try
        {
            policy = await GrainFactory.GetGrain<IPolicyGrain>(Key).GetAsync();
            var fleet = GrainFactory.GetGrain<IFleetGrain>(Key);
            var observations = await new ScalerInputs(GrainFactory, _options, logger).ObserveAsync(fleet, now);
            var verdict = Autoscaler.Decide(policy, observations, state.Memory);
            var applied = await ScalerApply.ApplyAsync(fleet, verdict);
            state.Remember(applied.RemovedAny || applied.Error is null
                ? verdict.Next
                : verdict.Next with { CooldownTicksLeft = Math.Min(verdict.Next.CooldownTicksLeft, state.Memory.CooldownTicksLeft) });
            decision = ScalerApply.Record(sequence, now, policy, observations, verdict, applied.Error);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Scaler {Key} tick {Sequence} failed before deciding", Key, sequence);
            decision = ScalerApply.Failed(sequence, now, policy ?? ScalingPolicy.Default, ex);
        }

        state.Append(decision);
        await SaveAsync();
        logger.LogInformation(
            "Scaler {Key} tick {Sequence} on silo {Silo}: {Action} {Count} ({Rule}), size {Current} -> {Target}{Error}",
            Key, decision.Sequence, silo.Name, decision.Action, decision.Count, decision.Rule, decision.CurrentSize, decision.TargetSize,
            decision.ApplyError is null ? "" : "; not applied: " + decision.ApplyError);
        return decision;
    }

    private async Task EnsureReminderAsync(CancellationToken cancellationToken)
    {
        // Re-registering moves the next tick, so only when missing or when the configured period changed.
        var existing = await this.GetReminder(TickReminder, cancellationToken);
        if (existing is null || scaler.State.ReminderPeriod != _options.Period)
        {
            await this.RegisterOrUpdateReminder(TickReminder, _options.Period, _options.Period, cancellationToken);
            scaler.State.ReminderPeriod = _options.Period;
            await SaveAsync();
        }
    }

    private async Task StopReminderAsync()
    {
        if (await this.GetReminder(TickReminder) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        if (scaler.State.ReminderPeriod is not null)
        {
            scaler.State.ReminderPeriod = null;
            await SaveAsync();
        }
    }

    private async Task SaveAsync()
    {
        try
        {
            await scaler.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote meanwhile (a failover race): start over from what is stored.
            this.DeactivateOnIdle();
            throw;
        }
    }
}
