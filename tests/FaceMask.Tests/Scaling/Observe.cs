using FaceMask.Grains.Scaling;

namespace FaceMask.Tests.Scaling;

/// <summary>Builds the scaler's observations for the pure decision tests.</summary>
internal static class Observe
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    public static ScalingPolicy Original { get; } = ScalingPolicy.Default;

    public static ScalingPolicy Demand { get; } = ScalingPolicy.Default with { Mode = ScalingMode.Demand };

    /// <summary>Serving workers at these 2-minute CPU averages (null = no metric), receiving nothing.</summary>
    public static ScalerObservations Cpus(params double?[] cpus) =>
        At(0, cpus.Select((c, i) => Serving(i, c, received: 0)).ToArray());

    public static ScalerObservations At(int minute, params WorkerObservation[] workers) => new(T0.AddMinutes(minute), workers);

    public static WorkerObservation Serving(int id, double? cpu, double? received = null, double? completed = null) =>
        new($"w{id}", true, cpu, received, completed);

    public static WorkerObservation Booting(int id) => new($"b{id}", false, null, null, null);
}
