using System.Globalization;
using System.Security;
using System.Text;

namespace FaceMask.Grains.Scaling.Simulation;

/// <summary>The drawing pieces the simulator's plot and the experiment's report share: lines, legends, round axes.</summary>
public static class SvgPlot
{
    /// <summary>
    /// A path over equally spaced values (index t at <paramref name="x"/>(t)); a step line holds each value across its
    /// slot, otherwise points sit mid-slot. Gaps (null) stay gaps. <paramref name="opacity"/> null = no attribute.
    /// </summary>
    public static void Line(
        StringBuilder svg, IReadOnlyList<double?> values, Func<double, double> x, Func<double, double> y, string colour,
        bool step, bool dashed = false, double width = 2, double? opacity = null)
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentNullException.ThrowIfNull(values);
        var path = new StringBuilder();
        var open = false;
        for (var t = 0; t < values.Count; t++)
        {
            if (values[t] is not { } v)
            {
                open = false;
                continue;
            }

            var py = y(v);
            if (step)
            {
                path.Append(open ? F($"V{py:0.##}") : F($"M{x(t):0.##} {py:0.##}"));
                path.Append(F($"H{x(t + 1):0.##}"));
            }
            else
            {
                path.Append(F($"{(open ? "L" : "M")}{x(t + 0.5):0.##} {py:0.##}"));
            }

            open = true;
        }

        if (path.Length > 0)
        {
            var dash = dashed ? " stroke-dasharray=\"6 3\"" : "";
            var fade = opacity is { } o ? F($" stroke-opacity=\"{o}\"") : "";
            svg.Append(F($"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{fade}{dash}/>\n"));
        }
    }

    /// <summary>Legend entries stacked downwards from (<paramref name="x"/>, <paramref name="y"/>), 18 px apart.</summary>
    public static void Legend(StringBuilder svg, double x, double y, IReadOnlyList<(string Label, string Colour, bool Dashed)> items)
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentNullException.ThrowIfNull(items);
        foreach (var (label, colour, dashed) in items)
        {
            var dash = dashed ? " stroke-dasharray=\"6 3\"" : "";
            svg.Append(F($"<line x1=\"{x}\" y1=\"{y:0.#}\" x2=\"{x + 24}\" y2=\"{y:0.#}\" stroke=\"{colour}\" stroke-width=\"2\"{dash}/>"));
            svg.Append(F($"<text x=\"{x + 30}\" y=\"{y + 4:0.#}\">{Escape(label)}</text>\n"));
            y += 18;
        }
    }

    /// <summary>A round axis top: 1, 2 or 5 × 10^k at or above the value.</summary>
    public static double Nice(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return new[] { 1.0, 2.0, 5.0, 10.0 }.Select(f => f * magnitude).First(v => v >= value);
    }

    /// <summary>A round tick step giving about five ticks over the span.</summary>
    public static double TickStep(double span)
    {
        var raw = span / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        return new[] { 1.0, 2.0, 5.0, 10.0 }.Select(f => f * magnitude).First(s => s >= raw);
    }

    public static string Escape(string text) => SecurityElement.Escape(text);

    /// <summary>Numbers in SVG are always written with the invariant culture.</summary>
    public static string F(FormattableString text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.ToString(CultureInfo.InvariantCulture);
    }
}
