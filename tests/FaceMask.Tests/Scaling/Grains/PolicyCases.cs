using FaceMask.Grains.Scaling;

namespace FaceMask.Tests.Scaling.Grains;

/// <summary>
/// One invalid policy per rule of <see cref="PolicyRules"/> with every message it must give, shared by the grain,
/// page and API tests. Each keeps min = max = 3 unless the rule is about them, so an accepted one would be seen
/// at once in the fleet.
/// </summary>
public static class PolicyCases
{
    /// <summary>A valid policy unlike the default in every field.</summary>
    public static readonly ScalingPolicy Custom = new(70, 20, 1.5, 0.2, 1, 6, 2, ScalingMode.Demand, 3, 11);

    private static readonly ScalingPolicy Base = Custom with { MinWorkers = 3, MaxWorkers = 3 };

    public static readonly IReadOnlyDictionary<string, (ScalingPolicy Policy, (string Field, string Message)[] Errors)> Invalid =
        new Dictionary<string, (ScalingPolicy, (string, string)[])>
        {
            ["grow threshold zero"] = (Base with { GrowCpuPercent = 0 }, [(PolicyFields.GrowCpu, "CPU grow threshold must be greater than 0."), (PolicyFields.GrowCpu, "CPU grow threshold must be greater than the CPU shrink threshold.")]),
            ["grow threshold over 100"] = (Base with { GrowCpuPercent = 100.5 }, [(PolicyFields.GrowCpu, "CPU grow threshold must be at most 100.")]),
            ["grow threshold not a number"] = (Base with { GrowCpuPercent = double.NaN }, [(PolicyFields.GrowCpu, "CPU grow threshold must be a number.")]),
            ["shrink threshold negative"] = (Base with { ShrinkCpuPercent = -1 }, [(PolicyFields.ShrinkCpu, "CPU shrink threshold must be greater than 0.")]),
            ["shrink threshold over 100"] = (Base with { GrowCpuPercent = 100, ShrinkCpuPercent = 101 }, [(PolicyFields.ShrinkCpu, "CPU shrink threshold must be at most 100."), (PolicyFields.GrowCpu, "CPU grow threshold must be greater than the CPU shrink threshold.")]),
            ["shrink threshold infinite"] = (Base with { ShrinkCpuPercent = double.PositiveInfinity }, [(PolicyFields.ShrinkCpu, "CPU shrink threshold must be a number.")]),
            ["grow threshold equal to shrink"] = (Base with { GrowCpuPercent = 40, ShrinkCpuPercent = 40 }, [(PolicyFields.GrowCpu, "CPU grow threshold must be greater than the CPU shrink threshold.")]),
            ["grow ratio 1.0"] = (Base with { GrowRatio = 1.0 }, [(PolicyFields.GrowRatio, "Grow ratio must be greater than 1.0.")]),
            ["grow ratio not a number"] = (Base with { GrowRatio = double.NaN }, [(PolicyFields.GrowRatio, "Grow ratio must be a number.")]),
            ["shrink ratio negative"] = (Base with { ShrinkRatio = -0.1 }, [(PolicyFields.ShrinkRatio, "Shrink ratio must be at least 0.0 and less than 1.0.")]),
            ["shrink ratio 1.0"] = (Base with { ShrinkRatio = 1.0 }, [(PolicyFields.ShrinkRatio, "Shrink ratio must be at least 0.0 and less than 1.0.")]),
            ["shrink ratio not a number"] = (Base with { ShrinkRatio = double.NaN }, [(PolicyFields.ShrinkRatio, "Shrink ratio must be a number.")]),
            ["grow ratio not above shrink ratio"] = (Base with { GrowRatio = 0.5, ShrinkRatio = 0.8 }, [(PolicyFields.GrowRatio, "Grow ratio must be greater than 1.0."), (PolicyFields.GrowRatio, "Grow ratio must be greater than the shrink ratio.")]),
            ["min workers zero"] = (Base with { MinWorkers = 0 }, [(PolicyFields.MinWorkers, "Minimum workers must be at least 1.")]),
            ["min workers over 64"] = (Base with { MinWorkers = 65, MaxWorkers = 64 }, [(PolicyFields.MinWorkers, "Minimum workers must be at most 64."), (PolicyFields.MaxWorkers, "Maximum workers must be at least the minimum workers.")]),
            ["max workers over 64"] = (Base with { MaxWorkers = 65 }, [(PolicyFields.MaxWorkers, "Maximum workers must be at most 64.")]),
            ["max workers below min"] = (Base with { MinWorkers = 4, MaxWorkers = 3 }, [(PolicyFields.MaxWorkers, "Maximum workers must be at least the minimum workers.")]),
            ["cooldown negative"] = (Base with { CooldownTicks = -1 }, [(PolicyFields.CooldownTicks, "Cooldown must be between 0 and 60 ticks.")]),
            ["cooldown over 60"] = (Base with { CooldownTicks = 61 }, [(PolicyFields.CooldownTicks, "Cooldown must be between 0 and 60 ticks.")]),
            ["unknown mode"] = (Base with { Mode = (ScalingMode)7 }, [(PolicyFields.Mode, "Mode must be Original or Demand.")]),
            ["stabilization zero"] = (Base with { StabilizationTicks = 0 }, [(PolicyFields.StabilizationTicks, "Stabilization window must be between 1 and 60 ticks.")]),
            ["stabilization over 60"] = (Base with { StabilizationTicks = 61 }, [(PolicyFields.StabilizationTicks, "Stabilization window must be between 1 and 60 ticks.")]),
            ["capacity prior zero"] = (Base with { CapacityPrior = 0 }, [(PolicyFields.CapacityPrior, "Capacity prior must be a number of requests/s greater than 0 and at most 100000.")]),
            ["capacity prior too large"] = (Base with { CapacityPrior = 100_001 }, [(PolicyFields.CapacityPrior, "Capacity prior must be a number of requests/s greater than 0 and at most 100000.")]),
            ["capacity prior not a number"] = (Base with { CapacityPrior = double.NaN }, [(PolicyFields.CapacityPrior, "Capacity prior must be a number of requests/s greater than 0 and at most 100000.")]),
            ["several rules at once"] = (Base with { GrowCpuPercent = 20, ShrinkCpuPercent = 30, GrowRatio = 1, CooldownTicks = 99 }, [(PolicyFields.GrowCpu, "CPU grow threshold must be greater than the CPU shrink threshold."), (PolicyFields.GrowRatio, "Grow ratio must be greater than 1.0."), (PolicyFields.CooldownTicks, "Cooldown must be between 0 and 60 ticks.")]),
        };

    public static TheoryData<string> Names() => [.. Invalid.Keys];
}
