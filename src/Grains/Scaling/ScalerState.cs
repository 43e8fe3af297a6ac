namespace FaceMask.Grains.Scaling;

/// <summary>The scaler's persisted state: its switch, what Decide carries between ticks, and the bounded decision log.</summary>
[GenerateSerializer, Alias("facemask.ScalerState")]
public sealed class ScalerState
{
    /// <summary>Decisions kept: a day of one-minute ticks.</summary>
    public const int LogLimit = 1440;

    [Id(0)]
    public bool Enabled { get; set; }

    [Id(1)]
    public ScalerMemory Memory { get; set; } = ScalerMemory.Empty;

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

    public void Append(ScalingDecision decision)
    {
        Decisions.Add(decision);
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

    /// <summary>False from a save until the fleet took the policy's bounds; a later read retries the push.</summary>
    [Id(1)]
    public bool BoundsPushed { get; set; } = true;
}
