namespace FaceMask.WebFront.Manager;

public static class FleetKeys
{
    /// <summary>The one fleet of this deployment.</summary>
    public const string Default = "default";
}
