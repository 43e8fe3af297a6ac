namespace FaceMask.Grains.Scaling;

/// <summary>
/// A simulator run: a named trace (<c>original</c>, <c>sine</c>, <c>spike</c>), a policy whose mode is used, the
/// worker capacity μ (uploads/s at 100 % CPU), the boot delay in minutes, noise on or off and its seed.
/// </summary>
[GenerateSerializer, Immutable, Alias("facemask.SimulationRequest")]
public sealed record SimulationRequest(
    [property: Id(0)] string Trace,
    [property: Id(1)] ScalingPolicy Policy,
    [property: Id(2)] double WorkerCapacity = 13,
    [property: Id(3)] int BootMinutes = 2,
    [property: Id(4)] bool Noise = true,
    [property: Id(5)] int Seed = 1);

/// <summary>One simulated minute: the load, demand d, serving workers s, booting workers, mean CPU, the decision.</summary>
[GenerateSerializer, Immutable, Alias("facemask.SimulationMinute")]
public sealed record SimulationMinute(
    [property: Id(0)] int Minute,
    [property: Id(1)] double Load,
    [property: Id(2)] int Demand,
    [property: Id(3)] int Serving,
    [property: Id(4)] int Booting,
    [property: Id(5)] double? MeanCpu,
    [property: Id(6)] ScalingAction Action,
    [property: Id(7)] int Count,
    [property: Id(8)] string Rule);

/// <summary>SPEC RG elasticity metrics plus settling time, actions, reversals and worker-minutes.</summary>
[GenerateSerializer, Immutable, Alias("facemask.ElasticityMetrics")]
public sealed record ElasticityMetrics(
    [property: Id(0)] double ThetaU,
    [property: Id(1)] double ThetaO,
    [property: Id(2)] double TauU,
    [property: Id(3)] double TauO,
    [property: Id(4)] double Instability,
    [property: Id(5)] double Jitter,
    [property: Id(6)] int MaxSettlingTime,
    [property: Id(7)] int Actions,
    [property: Id(8)] int Reversals,
    [property: Id(9)] int WorkerMinutes);

[GenerateSerializer, Immutable, Alias("facemask.SimulationReport")]
public sealed record SimulationReport(
    [property: Id(0)] SimulationRequest Request,
    [property: Id(1)] IReadOnlyList<SimulationMinute> Minutes,
    [property: Id(2)] ElasticityMetrics Metrics,
    [property: Id(3)] IReadOnlyList<int> SettlingTimes,
    [property: Id(4)] string Svg);
