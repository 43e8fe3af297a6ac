namespace FaceMask.Grains.Scaling;

/// <summary>The scaler's persisted state: its switch, what Decide carries between ticks, and the bounded decision log.</summary>
[GenerateSerializer, Alias("facemask.ScalerState")]
public sealed class ScalerState
{
    /// <summary>Decisions kept: a day of one-minute ticks.</summary>
    public const int LogLimit = 1440;

    [Id(0)]
    public bool Enabled { get; set; }

    /// <summary>
    /// A fresh instance, never the shared <see cref="ScalerMemory.Empty"/>: the cluster store's JSON reader fills in
    /// the object a property already holds, so reading a stored state would overwrite that shared instance.
    /// </summary>
    [Id(1)]
    public ScalerMemory Memory { get; set; } = new();

    /// <summary>Oldest first, at most <see cref="LogLimit"/>.</summary>
    [Id(2)]
    public List<ScalingDecision> Decisions { get; set; } = [];

    /// <summary>The sequence number of the next decision: never reused, so a number names one tick forever.</summary>
    [Id(3)]
    public long NextSequence { get; set; } = 1;

    [Id(4)]
    public DateTimeOffset? LastTickAt { get; set; }

    /// <summary>The period the tick reminder was registered with; null when it is not registered.</summary>
    [Id(5)]
    public TimeSpan? ReminderPeriod { get; set; }

    /// <summary>
    /// Keeps Decide's memory for the next tick. Lists are stored as arrays: the cluster store writes the runtime type
    /// of every list, and the compiler's own read-only list types (from collection expressions) are not on Orleans'
    /// type allow-list, so a state holding one would be written but never read back.
    /// </summary>
    public void Remember(ScalerMemory memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        Memory = memory with { CapacitySamples = memory.CapacitySamples.ToArray(), RecentDesired = memory.RecentDesired.ToArray() };
    }

    public void Append(ScalingDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        Decisions.Add(decision with { Workers = decision.Workers.ToArray() });
        if (Decisions.Count > LogLimit)
        {
            Decisions.RemoveRange(0, Decisions.Count - LogLimit);
        }

        NextSequence = decision.Sequence + 1;
        LastTickAt = decision.At;
    }

    /// <summary>Newest first; <paramref name="take"/> clamped to 1–200, <paramref name="skip"/> to at least 0.</summary>
    public DecisionPage Page(int skip, int take)
    {
        skip = Math.Max(0, skip);
        take = Math.Clamp(take, 1, 200);
        var items = Enumerable.Range(0, Math.Max(0, Math.Min(take, Decisions.Count - skip)))
            .Select(i => Decisions[Decisions.Count - 1 - skip - i])
            .ToList();
        return new DecisionPage(Decisions.Count, items);
    }
}

/// <summary>The policy grain's persisted state.</summary>
[GenerateSerializer, Alias("facemask.PolicyState")]
public sealed class PolicyState
{
    /// <summary>Null until a policy is saved: <see cref="ScalingPolicy.Default"/> applies.</summary>
    [Id(0)]
    public ScalingPolicy? Policy { get; set; }

    /// <summary>
    /// True from a save until the fleet took the policy's bounds; a later read retries the push. False by default:
    /// the cluster store leaves default values out, so a field whose default is true would read back true.
    /// </summary>
    [Id(1)]
    public bool BoundsPending { get; set; }
}
