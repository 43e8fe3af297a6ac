namespace FaceMask.Grains.Fleet;

/// <summary>
/// The clock of the fleet and worker grains, a keyed <see cref="TimeProvider"/> so that tests can swap it for a
/// FakeTimeProvider without moving the clock Orleans itself runs on (message expiry, activation collection).
/// </summary>
public static class FleetTime
{
    public const string Key = "facemask.fleet-clock";
}
