namespace FaceMask.Grains.Scaling.Simulation;

/// <summary>A load trace: detection uploads per second, one value per minute.</summary>
public sealed record LoadTrace(string Name, string Description, IReadOnlyList<double> Load);

/// <summary>The simulator's traces, by name.</summary>
public static class Traces
{
    public const string Original = "original";
    public const string Sine = "sine";
    public const string Spike = "spike";

    public static IReadOnlyList<string> Names { get; } = [Original, Sine, Spike];

    /// <summary>The trace called <paramref name="name"/> (case-insensitive); an unknown name throws with the known ones.</summary>
    public static LoadTrace Get(string name) => name?.ToLowerInvariant() switch
    {
        Original => new LoadTrace(Original,
            "The 2020 project's test: 0, 8, 10, 100, 10, 8, 0 uploads/s, 20 minutes each (140 minutes).",
            Steps((0, 20), (8, 20), (10, 20), (100, 20), (10, 20), (8, 20), (0, 20))),
        Sine => new LoadTrace(Sine,
            "A smooth daily-like swing: 25 − 22·cos(2π·t/60) uploads/s, from 3 to 47 and back every hour, three hours (180 minutes).",
            Enumerable.Range(0, 180).Select(t => 25 - (22 * Math.Cos(2 * Math.PI * t / 60))).ToList()),
        Spike => new LoadTrace(Spike,
            "Flash crowds over a quiet base: 5 uploads/s, a 10-minute spike to 80 at minute 30, a 3-minute burst to 80 at minute 70 "
            + "(shorter than a boot), then quiet again (120 minutes).",
            Steps((5, 30), (80, 10), (5, 30), (80, 3), (5, 47))),
        _ => throw new ArgumentException($"Unknown trace '{name}'; known traces: {string.Join(", ", Names)}.", nameof(name)),
    };

    private static List<double> Steps(params (double Load, int Minutes)[] steps) =>
        steps.SelectMany(s => Enumerable.Repeat(s.Load, s.Minutes)).ToList();
}
