namespace FaceMask.Grains.Scaling;

public static class ScalingKeys
{
    /// <summary>The key of the one policy and the one scaler of a deployment.</summary>
    public const string Default = "default";
}

/// <summary>The scaling policy, persisted; an invalid update is rejected with all its messages and changes nothing.</summary>
[Alias("facemask.IPolicyGrain")]
public interface IPolicyGrain : IGrainWithStringKey
{
    [Alias("GetAsync")]
    Task<ScalingPolicy> GetAsync();

    [Alias("UpdateAsync")]
    Task<PolicyUpdate> UpdateAsync(ScalingPolicy policy);
}

/// <summary>
/// The auto-scaler: a durable reminder ticks it (every minute by default); each tick reads the policy and the
/// workers' metrics, decides, applies through the fleet and logs the decision (last 1440, persisted).
/// </summary>
[Alias("facemask.IScalerGrain")]
public interface IScalerGrain : IGrainWithStringKey
{
    [Alias("StatusAsync")]
    Task<ScalerStatus> StatusAsync();

    /// <summary>Turns the scaler on (registers its reminder) — the manager's switch.</summary>
    [Alias("EnableAsync")]
    Task<ScalerStatus> EnableAsync();

    /// <summary>Turns the scaler off; ticks stop deciding until it is enabled again.</summary>
    [Alias("DisableAsync")]
    Task<ScalerStatus> DisableAsync();

    /// <summary>The decision log, newest first; <paramref name="take"/> is clamped to 1–200.</summary>
    [Alias("DecisionsAsync")]
    Task<DecisionPage> DecisionsAsync(int skip, int take);

    /// <summary>Runs one tick now (tests, experiments); ticks never overlap. Returns the logged decision.</summary>
    [Alias("TickAsync")]
    Task<ScalingDecision> TickAsync();
}

/// <summary>Runs the simulator in a silo for the manager's "what if" (stateless, any silo).</summary>
[Alias("facemask.ISimulatorGrain")]
public interface ISimulatorGrain : IGrainWithIntegerKey
{
    [Alias("RunAsync")]
    Task<SimulationReport> RunAsync(SimulationRequest request);
}
