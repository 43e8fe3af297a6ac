namespace FaceMask.Grains.Diagnostics;

/// <summary>
/// Operational self-check of durable reminders: a reminder that records each tick, with the worker that
/// received it, in grain state on the cluster storage. The failover tests drive it (the ticks must go on
/// on another worker after the one hosting it dies); an operator can use it to see that reminders fire.
/// </summary>
[Alias("facemask.IReminderProbeGrain")]
public interface IReminderProbeGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Registers, or re-registers, the probe's reminder with <paramref name="period"/> (first tick one period
    /// from now). The period must not be below the silo's <c>ReminderOptions.MinimumReminderPeriod</c>.
    /// </summary>
    [Alias("StartAsync")]
    Task StartAsync(TimeSpan period);

    /// <summary>Unregisters the reminder and forgets the recorded ticks.</summary>
    [Alias("StopAsync")]
    Task StopAsync();

    /// <summary>The most recent ticks, oldest first (at most <see cref="ReminderProbeTick.Kept"/>).</summary>
    [Alias("GetTicksAsync")]
    Task<ReminderProbeTick[]> GetTicksAsync();
}

/// <param name="Silo">The worker whose activation received the tick.</param>
/// <param name="At">When it arrived (UTC).</param>
[GenerateSerializer, Immutable, Alias("facemask.ReminderProbeTick")]
public sealed record ReminderProbeTick(
    [property: Id(0)] string Silo,
    [property: Id(1)] DateTime At)
{
    /// <summary>How many ticks the probe keeps: its state stays small however long it runs.</summary>
    public const int Kept = 100;
}
