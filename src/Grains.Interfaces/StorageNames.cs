namespace FaceMask.Grains;

/// <summary>Grain storage provider names, shared by the silo host and the tests.</summary>
public static class StorageNames
{
    /// <summary>Fleet, workers, policy and scaler state: durable (AdoNet) outside tests.</summary>
    public const string Cluster = "cluster";
}
