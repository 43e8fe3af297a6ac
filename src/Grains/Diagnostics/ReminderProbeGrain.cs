using Orleans.Runtime;

namespace FaceMask.Grains.Diagnostics;

/// <summary>See <see cref="IReminderProbeGrain"/>.</summary>
public sealed class ReminderProbeGrain(
    [PersistentState("reminderProbe", StorageNames.Cluster)] IPersistentState<ReminderProbeState> state,
    ILocalSiloDetails silo) : Grain, IReminderProbeGrain, IRemindable
{
    private const string ReminderName = "probe";

    public async Task StartAsync(TimeSpan period) => await this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task StopAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await state.ClearStateAsync();
    }

    public Task<ReminderProbeTick[]> GetTicksAsync() => Task.FromResult(state.State.Ticks.ToArray());

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        var ticks = state.State.Ticks;
        ticks.Add(new ReminderProbeTick(silo.Name, DateTime.UtcNow));
        if (ticks.Count > ReminderProbeTick.Kept)
        {
            ticks.RemoveRange(0, ticks.Count - ReminderProbeTick.Kept);
        }

        await state.WriteStateAsync();
    }
}

[GenerateSerializer, Alias("facemask.ReminderProbeState")]
public sealed class ReminderProbeState
{
    [Id(0)]
    public List<ReminderProbeTick> Ticks { get; set; } = [];
}
