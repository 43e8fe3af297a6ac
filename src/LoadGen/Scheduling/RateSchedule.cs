using System.Globalization;

namespace FaceMask.LoadGen.Scheduling;

/// <summary>One step of a load trace: <see cref="Rate"/> requests per second for <see cref="Duration"/>.</summary>
public sealed record RateStep(TimeSpan Duration, double Rate);

/// <summary>
/// When each request of an open-loop run starts, fixed before the run: a piecewise-constant rate (steps of
/// requests per second, each multiplied by <see cref="RateFactor"/>), optionally cut after <see cref="MaxCount"/>
/// requests. Request k starts at the instant the integral of the rate reaches k, so the spacing inside a step
/// is exactly 1/rate and a step boundary carries the fractional request over instead of rounding it away.
/// </summary>
public sealed class RateSchedule
{
    // Float sums over long traces drift by ~1e-12; a request due "at" a step end belongs to the next step.
    private const double Epsilon = 1e-9;

    public RateSchedule(IReadOnlyList<RateStep> steps, double rateFactor = 1.0, int? maxCount = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0)
        {
            throw new ArgumentException("A rate schedule needs at least one step.", nameof(steps));
        }

        for (var i = 0; i < steps.Count; i++)
        {
            var step = steps[i];
            if (step.Duration <= TimeSpan.Zero)
            {
                throw new ArgumentException($"Step {i + 1} lasts {step.Duration}; every step must last more than zero.", nameof(steps));
            }

            if (!double.IsFinite(step.Rate) || step.Rate < 0)
            {
                throw new ArgumentException($"Step {i + 1} has rate {step.Rate}; a rate must be a finite number ≥ 0 requests/s.", nameof(steps));
            }
        }

        if (!double.IsFinite(rateFactor) || rateFactor <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rateFactor), rateFactor, "The rate factor must be a finite number > 0.");
        }

        if (maxCount is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxCount), maxCount, "The request count must be > 0.");
        }

        Steps = [.. steps];
        RateFactor = rateFactor;
        MaxCount = maxCount;
    }

    public IReadOnlyList<RateStep> Steps { get; }

    /// <summary>Multiplies every step's rate, so one trace means the same relative load on faster or slower machines.</summary>
    public double RateFactor { get; }

    /// <summary>Stop after this many requests even if the steps would send more.</summary>
    public int? MaxCount { get; }

    public TimeSpan Duration => Steps.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);

    /// <summary>A constant <paramref name="rate"/> for <paramref name="duration"/>.</summary>
    public static RateSchedule Constant(double rate, TimeSpan duration, double rateFactor = 1.0) =>
        new([new RateStep(duration, rate)], rateFactor);

    /// <summary>Exactly <paramref name="count"/> requests at a constant <paramref name="rate"/> (> 0).</summary>
    public static RateSchedule ForCount(double rate, int count, double rateFactor = 1.0)
    {
        if (!double.IsFinite(rate) || rate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "A run of a given count needs a rate > 0.");
        }

        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The request count must be > 0.");
        }

        // The last of count requests starts at (count-1)/rate; the step runs one spacing further.
        var seconds = count / (rate * rateFactor);
        return new([new RateStep(TimeSpan.FromSeconds(seconds), rate)], rateFactor, count);
    }

    /// <summary>
    /// Parses <c>duration@rate</c> steps separated by commas, e.g. <c>60s@0,2m@8,30s@100</c>.
    /// Durations as in <see cref="DurationText.Parse"/>.
    /// </summary>
    public static RateSchedule Parse(string text, double rateFactor = 1.0, int? maxCount = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var steps = new List<RateStep>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = part.IndexOf('@', StringComparison.Ordinal);
            if (at <= 0 || at == part.Length - 1)
            {
                throw new FormatException($"'{part}' is not a step: write duration@rate, e.g. 30s@8.");
            }

            var duration = DurationText.Parse(part[..at]);
            if (!double.TryParse(part[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var rate))
            {
                throw new FormatException($"'{part[(at + 1)..]}' in '{part}' is not a rate (requests per second).");
            }

            steps.Add(new RateStep(duration, rate));
        }

        return new RateSchedule(steps, rateFactor, maxCount);
    }

    /// <summary>The effective rate (factor applied) at <paramref name="offset"/> from the start; 0 after the end.</summary>
    public double RateAt(TimeSpan offset)
    {
        var start = TimeSpan.Zero;
        foreach (var step in Steps)
        {
            if (offset >= start && offset < start + step.Duration)
            {
                return step.Rate * RateFactor;
            }

            start += step.Duration;
        }

        return 0;
    }

    /// <summary>How many requests <see cref="StartTimes"/> yields.</summary>
    public int Count() => StartTimes().Count();

    /// <summary>The start offset of every request, in order.</summary>
    public IEnumerable<TimeSpan> StartTimes()
    {
        var stepStart = 0.0;    // seconds
        var countAtStart = 0.0; // integral of the rate up to stepStart
        long next = 0;
        foreach (var step in Steps)
        {
            var seconds = step.Duration.TotalSeconds;
            var rate = step.Rate * RateFactor;
            var countAtEnd = countAtStart + (rate * seconds);
            while (rate > 0 && next < countAtEnd - Epsilon)
            {
                if (next >= MaxCount)
                {
                    yield break;
                }

                yield return TimeSpan.FromSeconds(stepStart + ((next - countAtStart) / rate));
                next++;
            }

            stepStart += seconds;
            countAtStart = countAtEnd;
        }
    }

    public override string ToString()
    {
        var steps = string.Join(", ", Steps.Select(s => string.Create(CultureInfo.InvariantCulture, $"{DurationText.Format(s.Duration)}@{s.Rate:0.###}/s")));
        var factor = RateFactor == 1.0 ? "" : string.Create(CultureInfo.InvariantCulture, $" × factor {RateFactor:0.###}");
        var count = MaxCount is { } max ? $", at most {max} requests" : "";
        return steps + factor + count;
    }
}
