using FaceMask.Grains.Fleet;

namespace FaceMask.Tests.Fleet;

public sealed class ScaleInChooserTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PicksTheLeastLoadedFirst()
    {
        var chosen = ScaleInChooser.Choose([Running("a", 70, 1), Running("b", 20, 2), Running("c", 45, 3)], 2);

        Assert.Equal(["b", "c"], chosen);
    }

    [Fact]
    public void AmongEquallyLoadedPicksTheNewest()
    {
        var chosen = ScaleInChooser.Choose([Running("old", 30, 1), Running("new", 30, 2, minutes: 5), Running("mid", 30, 3, minutes: 2)], 3);

        Assert.Equal(["new", "mid", "old"], chosen);
    }

    [Fact]
    public void WorkersNotYetRunningGoFirstThenThoseWithoutMetrics()
    {
        var chosen = ScaleInChooser.Choose(
        [
            Running("busy", 90, 1),
            Running("idle", 0, 2),
            Running("silent", null, 3),
            new ScaleInCandidate("booting", WorkerState.Starting, false, null, T0, 4),
        ], 4);

        Assert.Equal(["booting", "silent", "idle", "busy"], chosen);
    }

    [Fact]
    public void NeverPicksAProtectedOrLeavingWorker()
    {
        var chosen = ScaleInChooser.Choose(
        [
            Running("guarded", 1, 1) with { Protected = true },
            new ScaleInCandidate("draining", WorkerState.Draining, false, 0, T0, 2),
            Running("busy", 99, 3),
        ], 3);

        Assert.Equal(["busy"], chosen);
    }

    private static ScaleInCandidate Running(string id, double? cpu, int number, int minutes = 0) =>
        new(id, WorkerState.Running, false, cpu, T0.AddMinutes(minutes), number);
}
