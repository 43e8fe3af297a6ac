using System.Globalization;

namespace FaceMask.LoadGen.Scheduling;

/// <summary>Durations on the command line: <c>500ms</c>, <c>60s</c>, <c>2m</c>, <c>1h</c>, a bare number of seconds, or <c>hh:mm:ss</c>.</summary>
public static class DurationText
{
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];
        foreach (var (suffix, seconds) in units)
        {
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return Checked(TimeSpan.FromSeconds(value * seconds), text);
            }
        }

        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            return Checked(TimeSpan.FromSeconds(bare), text);
        }

        if (TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span))
        {
            return Checked(span, text);
        }

        throw new FormatException($"'{text}' is not a duration: write e.g. 500ms, 60s, 2m, 1h or 00:01:30.");
    }

    public static string Format(TimeSpan duration) =>
        duration.TotalSeconds % 60 == 0 && duration >= TimeSpan.FromMinutes(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMinutes:0.###}m")
            : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.###}s");

    private static TimeSpan Checked(TimeSpan value, string text) =>
        value > TimeSpan.Zero ? value : throw new FormatException($"'{text}' is not a positive duration.");
}
