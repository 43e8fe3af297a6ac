using Orleans.Runtime;

namespace FaceMask.Grains.Diagnostics;

/// <summary>See <see cref="IStorageProbeGrain"/>.</summary>
public sealed class StorageProbeGrain(
    [PersistentState("storageProbe", StorageNames.Cluster)] IPersistentState<StorageProbeState> state,
    ILocalSiloDetails silo) : Grain, IStorageProbeGrain
{
    public async Task<StorageProbeRecord> WriteAsync(string value)
    {
        var (previousValue, previousWrites) = (state.State.Value, state.State.Writes);
        state.State.Value = value;
        state.State.Writes++;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory must not run ahead of storage. A lost race (InconsistentStateException) also
            // deactivates this activation, so the next call re-reads what won.
            (state.State.Value, state.State.Writes) = (previousValue, previousWrites);
            throw;
        }

        return Record();
    }

    public Task<StorageProbeRecord> ReadAsync() => Task.FromResult(Record());

    public Task ClearAsync() => state.ClearStateAsync();

    private StorageProbeRecord Record() => new(state.State.Value, state.State.Writes, silo.Name);
}

[GenerateSerializer, Alias("facemask.StorageProbeState")]
public sealed class StorageProbeState
{
    [Id(0)]
    public string? Value { get; set; }

    [Id(1)]
    public long Writes { get; set; }
}
