namespace FaceMask.Grains.Scaling;

/// <summary>
/// The policy's validation: the original project's rules (DESIGN.md §5) plus bounds on the worker count and on
/// our own settings. Every broken rule gives a message; the policy is valid when there are none.
/// </summary>
public static class PolicyRules
{
    public const int WorkerLimit = 64;
    public const int TickLimit = 60;
    public const double CapacityLimit = 100_000;

    public static IReadOnlyList<PolicyError> Validate(ScalingPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var errors = new List<PolicyError>();
        void Fail(string field, string message) => errors.Add(new PolicyError(field, message));

        var grow = policy.GrowCpuPercent;
        var shrink = policy.ShrinkCpuPercent;
        CheckThreshold(PolicyFields.GrowCpu, "CPU grow threshold", grow, Fail);
        CheckThreshold(PolicyFields.ShrinkCpu, "CPU shrink threshold", shrink, Fail);
        if (double.IsFinite(grow) && double.IsFinite(shrink) && grow <= shrink)
        {
            Fail(PolicyFields.GrowCpu, "CPU grow threshold must be greater than the CPU shrink threshold.");
        }

        var growRatio = policy.GrowRatio;
        var shrinkRatio = policy.ShrinkRatio;
        if (!double.IsFinite(growRatio))
        {
            Fail(PolicyFields.GrowRatio, "Grow ratio must be a number.");
        }
        else if (growRatio <= 1.0)
        {
            Fail(PolicyFields.GrowRatio, "Grow ratio must be greater than 1.0.");
        }

        if (!double.IsFinite(shrinkRatio))
        {
            Fail(PolicyFields.ShrinkRatio, "Shrink ratio must be a number.");
        }
        else if (shrinkRatio < 0.0 || shrinkRatio >= 1.0)
        {
            Fail(PolicyFields.ShrinkRatio, "Shrink ratio must be at least 0.0 and less than 1.0.");
        }

        if (double.IsFinite(growRatio) && double.IsFinite(shrinkRatio) && growRatio <= shrinkRatio)
        {
            Fail(PolicyFields.GrowRatio, "Grow ratio must be greater than the shrink ratio.");
        }

        if (policy.MinWorkers < 1)
        {
            Fail(PolicyFields.MinWorkers, "Minimum workers must be at least 1.");
        }
        else if (policy.MinWorkers > WorkerLimit)
        {
            Fail(PolicyFields.MinWorkers, $"Minimum workers must be at most {WorkerLimit}.");
        }

        if (policy.MaxWorkers > WorkerLimit)
        {
            Fail(PolicyFields.MaxWorkers, $"Maximum workers must be at most {WorkerLimit}.");
        }
        else if (policy.MaxWorkers < policy.MinWorkers || policy.MaxWorkers < 1)
        {
            Fail(PolicyFields.MaxWorkers, "Maximum workers must be at least the minimum workers.");
        }

        if (policy.CooldownTicks is < 0 or > TickLimit)
        {
            Fail(PolicyFields.CooldownTicks, $"Cooldown must be between 0 and {TickLimit} ticks.");
        }

        if (!Enum.IsDefined(policy.Mode))
        {
            Fail(PolicyFields.Mode, "Mode must be Original or Demand.");
        }

        if (policy.StabilizationTicks is < 1 or > TickLimit)
        {
            Fail(PolicyFields.StabilizationTicks, $"Stabilization window must be between 1 and {TickLimit} ticks.");
        }

        if (!double.IsFinite(policy.CapacityPrior) || policy.CapacityPrior <= 0 || policy.CapacityPrior > CapacityLimit)
        {
            Fail(PolicyFields.CapacityPrior, $"Capacity prior must be a number of requests/s greater than 0 and at most {CapacityLimit:0}.");
        }

        return errors;
    }

    private static void CheckThreshold(string field, string label, double value, Action<string, string> fail)
    {
        if (!double.IsFinite(value))
        {
            fail(field, $"{label} must be a number.");
        }
        else if (value <= 0)
        {
            fail(field, $"{label} must be greater than 0.");
        }
        else if (value > 100)
        {
            fail(field, $"{label} must be at most 100.");
        }
    }
}
