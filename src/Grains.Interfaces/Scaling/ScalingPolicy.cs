namespace FaceMask.Grains.Scaling;

/// <summary>How the scaler sizes the fleet.</summary>
[GenerateSerializer, Alias("facemask.ScalingMode")]
public enum ScalingMode
{
    /// <summary>The 2020 project's CPU-zone algorithm (DESIGN.md §7), step by step.</summary>
    Original = 0,

    /// <summary>Sizing from the arrival rate and a learned per-worker capacity.</summary>
    Demand = 1,
}

/// <summary>
/// The scaling policy (PolicyGrain "default"). Thresholds are CPU % of a worker's allotment; ratios are the
/// original's grow/shrink factors. <see cref="StabilizationTicks"/> and <see cref="CapacityPrior"/> are used by
/// Demand mode only.
/// </summary>
[GenerateSerializer, Immutable, Alias("facemask.ScalingPolicy")]
public sealed record ScalingPolicy(
    [property: Id(0)] double GrowCpuPercent,
    [property: Id(1)] double ShrinkCpuPercent,
    [property: Id(2)] double GrowRatio,
    [property: Id(3)] double ShrinkRatio,
    [property: Id(4)] int MinWorkers,
    [property: Id(5)] int MaxWorkers,
    [property: Id(6)] int CooldownTicks,
    [property: Id(7)] ScalingMode Mode,
    [property: Id(8)] int StabilizationTicks,
    [property: Id(9)] double CapacityPrior)
{
    /// <summary>65 / 25 / 2.0 / 0.1, 1..8 workers, one tick of cooldown, Original mode; W = 2, μ0 = 13 requests/s.</summary>
    public static ScalingPolicy Default { get; } = new(65, 25, 2.0, 0.1, 1, 8, 1, ScalingMode.Original, 2, 13);

    /// <summary>u*: the midpoint of the two thresholds as a fraction (0.45 for the default).</summary>
    public double TargetUtilization() => (GrowCpuPercent + ShrinkCpuPercent) / 200.0;
}

/// <summary>One validation message; <see cref="Field"/> is one of <see cref="PolicyFields"/>.</summary>
[GenerateSerializer, Immutable, Alias("facemask.PolicyError")]
public sealed record PolicyError(
    [property: Id(0)] string Field,
    [property: Id(1)] string Message);

/// <summary>The answer to a policy update: saved, or rejected with every message and nothing changed.</summary>
[GenerateSerializer, Immutable, Alias("facemask.PolicyUpdate")]
public sealed record PolicyUpdate(
    [property: Id(0)] bool Saved,
    [property: Id(1)] ScalingPolicy Policy,
    [property: Id(2)] IReadOnlyList<PolicyError> Errors);

/// <summary>Field names as the API (snake_case JSON) and the page's form use them.</summary>
public static class PolicyFields
{
    public const string GrowCpu = "grow_cpu_percent";
    public const string ShrinkCpu = "shrink_cpu_percent";
    public const string GrowRatio = "grow_ratio";
    public const string ShrinkRatio = "shrink_ratio";
    public const string MinWorkers = "min_workers";
    public const string MaxWorkers = "max_workers";
    public const string CooldownTicks = "cooldown_ticks";
    public const string Mode = "mode";
    public const string StabilizationTicks = "stabilization_ticks";
    public const string CapacityPrior = "capacity_prior";
}
