namespace FaceMask.LoadGen.Stats;

/// <summary>Latency percentiles of a set of requests, in milliseconds; null figures when there were none.</summary>
public sealed record LatencySummary(int Count, double? Min, double? Mean, double? P50, double? P95, double? P99, double? Max)
{
    public static LatencySummary Empty { get; } = new(0, null, null, null, null, null, null);

    public static LatencySummary Of(IEnumerable<double> latenciesMs)
    {
        ArgumentNullException.ThrowIfNull(latenciesMs);
        var sorted = latenciesMs.ToArray();
        if (sorted.Length == 0)
        {
            return Empty;
        }

        Array.Sort(sorted);
        return new LatencySummary(
            sorted.Length,
            sorted[0],
            sorted.Average(),
            Percentiles.NearestRank(sorted, 50),
            Percentiles.NearestRank(sorted, 95),
            Percentiles.NearestRank(sorted, 99),
            sorted[^1]);
    }
}

public static class Percentiles
{
    /// <summary>
    /// The nearest-rank percentile of ascending <paramref name="sorted"/> values: the smallest value with at least
    /// <paramref name="percent"/> % of the values at or below it (rank ⌈p/100·n⌉). Always one of the measured
    /// values, never an interpolation between them, so "p99 = 240 ms" means a request really took 240 ms.
    /// </summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double percent)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("No values to take a percentile of.", nameof(sorted));
        }

        if (!(percent > 0 && percent <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "A percentile is in (0, 100].");
        }

        // The product is rounded first: 0.95 * 100 is 95.00000000000001 in binary and must stay rank 95.
        var rank = (int)Math.Ceiling(Math.Round(percent / 100 * sorted.Count, 9));
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
