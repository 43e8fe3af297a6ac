namespace FaceMask.Grains.Fleet;

/// <summary>A worker that might be removed, with its average CPU of the last 2 minutes (null = no data).</summary>
public sealed record ScaleInCandidate(
    string Id, WorkerState State, bool Protected, double? Cpu, DateTimeOffset LaunchedAt, int Number);

/// <summary>Whom to remove on scale-in.</summary>
public static class ScaleInChooser
{
    /// <summary>
    /// Never a protected or already leaving worker. Workers not yet Running go first (they serve nothing), then
    /// the least loaded — a worker without metrics counts as least loaded — and among equals the newest.
    /// </summary>
    public static IReadOnlyList<string> Choose(IEnumerable<ScaleInCandidate> candidates, int count) =>
        candidates
            .Where(c => !c.Protected && c.State is WorkerState.Pending or WorkerState.Starting or WorkerState.Running)
            .OrderBy(c => c.State == WorkerState.Running)
            .ThenBy(c => c.Cpu.HasValue)
            .ThenBy(c => c.Cpu ?? 0)
            .ThenByDescending(c => c.LaunchedAt)
            .ThenByDescending(c => c.Number)
            .Take(Math.Max(0, count))
            .Select(c => c.Id)
            .ToList();
}
