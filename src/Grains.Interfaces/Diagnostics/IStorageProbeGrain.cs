namespace FaceMask.Grains.Diagnostics;

/// <summary>
/// Operational self-check of durable grain state: one small value kept on the cluster storage
/// (<see cref="StorageNames.Cluster"/>). The storage tests drive it, and an operator can use it to check
/// that a deployment's grain storage works and survives a worker's death. Not on any request path.
/// </summary>
[Alias("facemask.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Stores <paramref name="value"/> and counts the write. A write that loses an optimistic-concurrency
    /// race (someone else changed the stored state) fails with Orleans' <c>InconsistentStateException</c>;
    /// the activation then re-reads on its next call.
    /// </summary>
    [Alias("WriteAsync")]
    Task<StorageProbeRecord> WriteAsync(string value);

    /// <summary>What is stored, as this activation last read or wrote it.</summary>
    [Alias("ReadAsync")]
    Task<StorageProbeRecord> ReadAsync();

    /// <summary>Clears the stored state (the storage keeps an empty row with its version).</summary>
    [Alias("ClearAsync")]
    Task ClearAsync();
}

/// <param name="Value">The last value written, or null when nothing is stored.</param>
/// <param name="Writes">How many writes the stored state has seen since it was last cleared.</param>
/// <param name="Silo">The worker that answered this call.</param>
[GenerateSerializer, Immutable, Alias("facemask.StorageProbeRecord")]
public sealed record StorageProbeRecord(
    [property: Id(0)] string? Value,
    [property: Id(1)] long Writes,
    [property: Id(2)] string Silo);
