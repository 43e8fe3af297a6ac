namespace FaceMask.Grains.Fleet;

/// <summary>Minute arithmetic shared by the worker and fleet series.</summary>
public static class SeriesMinutes
{
    /// <summary>Both series keep an hour; asking for more would only add gaps we never kept.</summary>
    public const int Retention = 60;

    public static DateTimeOffset Floor(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    /// <summary>The starts of the last <paramref name="minutes"/> minutes (clamped to 1–60), oldest first, ending with the current one.</summary>
    public static IReadOnlyList<DateTimeOffset> Ending(DateTimeOffset now, int minutes)
    {
        var count = Math.Clamp(minutes, 1, Retention);
        var current = Floor(now);
        var result = new DateTimeOffset[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = current.AddMinutes(i - count + 1);
        }

        return result;
    }
}
