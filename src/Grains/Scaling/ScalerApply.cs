using FaceMask.Grains.Fleet;

namespace FaceMask.Grains.Scaling;

/// <summary>A verdict applied to the fleet: the error when nothing or less than asked changed, and whether any worker went.</summary>
public sealed record ScalerApplication(string? Error, bool RemovedAny);

/// <summary>Applies a verdict through the fleet and turns a tick into its log record.</summary>
public static class ScalerApply
{
    public const string FailedRule = "tick-failed";

    public static async Task<ScalerApplication> ApplyAsync(IFleetGrain fleet, ScalerVerdict verdict)
    {
        if (verdict.Action == ScalingAction.None || verdict.Count < 1)
        {
            return new ScalerApplication(null, false);
        }

        try
        {
            var change = verdict.Action == ScalingAction.Grow
                ? await fleet.AddAsync(verdict.Count)
                : await fleet.RemoveAsync(verdict.Count);
            var removed = verdict.Action == ScalingAction.Shrink && change.Workers.Count > 0;
            return change.Workers.Count >= verdict.Count
                ? new ScalerApplication(null, removed)
                : new ScalerApplication(change.Refusal ?? $"The fleet changed {change.Workers.Count} of {verdict.Count} worker(s).", removed);
        }
        catch (Exception ex)
        {
            return new ScalerApplication($"The fleet call failed: {ex.GetType().Name}: {ex.Message}", false);
        }
    }

    public static ScalingDecision Record(
        long sequence, DateTimeOffset at, ScalingPolicy policy, ScalerObservations observations, ScalerVerdict verdict, string? applyError) =>
        new(
            sequence, at, policy.Mode, policy, observations.Workers,
            verdict.BelowShrink, verdict.Between, verdict.AboveGrow,
            verdict.MeanCpu, verdict.StdDevCpu, verdict.ArrivalRate, verdict.CapacityEstimate,
            verdict.Rule, verdict.Action, verdict.Count, verdict.Reason,
            verdict.CurrentSize, verdict.TargetSize, applyError);

    /// <summary>A tick that could not decide (policy, fleet or metrics unreachable, or Decide threw): logged, nothing applied.</summary>
    public static ScalingDecision Failed(long sequence, DateTimeOffset at, ScalingPolicy policy, Exception error) =>
        new(
            sequence, at, policy.Mode, policy, [],
            0, 0, 0, null, null, null, null,
            FailedRule, ScalingAction.None, 0, "The tick failed before deciding; the next tick tries again.",
            0, 0, $"{error.GetType().Name}: {error.Message}");
}
