namespace FaceMask.Grains.Fleet;

public static class FleetKeys
{
    /// <summary>The one fleet of this deployment: the key of <see cref="IFleetGrain"/>.</summary>
    public const string Default = "default";
}
