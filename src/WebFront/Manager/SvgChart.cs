using System.Globalization;
using System.Net;
using System.Text;
using FaceMask.Grains.Fleet;

namespace FaceMask.WebFront.Manager;

/// <summary>
/// A line chart of a per-minute series as inline SVG, drawn on the server: no script library, no CDN.
/// Minutes without data are gaps in the line, never zeros.
/// </summary>
public static class SvgChart
{
    private const double Width = 640;
    private const double Height = 220;
    private const double Left = 48;
    private const double Right = 12;
    private const double Top = 14;
    private const double Bottom = 28;

    /// <param name="id">Element id, so pages and tests can find the chart.</param>
    /// <param name="title">Accessible name and caption.</param>
    /// <param name="unit">Suffix of axis labels, e.g. "%".</param>
    /// <param name="fixedMax">Top of the axis (100 for CPU); otherwise a round number above the data.</param>
    public static string Render(string id, string title, IReadOnlyList<SeriesPoint> points, string unit = "", double? fixedMax = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var values = points.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToList();
        var max = fixedMax ?? NiceCeiling(values.Count == 0 ? 1 : Math.Max(values.Max(), 1));
        var plotWidth = Width - Left - Right;
        var plotHeight = Height - Top - Bottom;
        double X(int i) => Left + (points.Count <= 1 ? plotWidth / 2 : plotWidth * i / (points.Count - 1));
        double Y(double v) => Top + plotHeight - (plotHeight * Math.Clamp(v / max, 0, 1));

        var svg = new StringBuilder();
        svg.Append(inv, $"<svg id=\"{Encode(id)}\" class=\"chart\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Encode(title)}\" data-points=\"{points.Count}\" data-gaps=\"{points.Count - values.Count}\">");
        svg.Append(inv, $"<title>{Encode(title)}</title>");

        for (var step = 0; step <= 4; step++)
        {
            var v = max * step / 4;
            var y = Y(v);
            svg.Append(inv, $"<line class=\"grid\" x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\"/>");
            svg.Append(inv, $"<text class=\"axis\" x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{Encode(Format(v))}{Encode(unit)}</text>");
        }

        if (points.Count > 0)
        {
            foreach (var i in new[] { 0, points.Count / 2, points.Count - 1 }.Distinct())
            {
                var anchor = i == 0 ? "start" : i == points.Count - 1 ? "end" : "middle";
                svg.Append(inv, $"<text class=\"axis\" x=\"{X(i):0.#}\" y=\"{Height - 8}\" text-anchor=\"{anchor}\">{points[i].Minute.UtcDateTime.ToString("HH:mm", inv)}</text>");
            }
        }

        // One path per run of consecutive minutes with data; a lone minute is a dot.
        var run = new List<(double X, double Y)>();
        void Flush()
        {
            if (run.Count == 1)
            {
                svg.Append(inv, $"<circle class=\"dot\" cx=\"{run[0].X:0.#}\" cy=\"{run[0].Y:0.#}\" r=\"3\"/>");
            }
            else if (run.Count > 1)
            {
                svg.Append("<polyline class=\"line\" points=\"");
                svg.AppendJoin(' ', run.Select(p => string.Create(inv, $"{p.X:0.#},{p.Y:0.#}")));
                svg.Append("\"/>");
            }

            run.Clear();
        }

        for (var i = 0; i < points.Count; i++)
        {
            if (points[i].Value is { } v)
            {
                run.Add((X(i), Y(v)));
            }
            else
            {
                Flush();
            }
        }

        Flush();
        if (values.Count == 0)
        {
            svg.Append(inv, $"<text class=\"empty\" x=\"{Left + (plotWidth / 2):0.#}\" y=\"{Top + (plotHeight / 2):0.#}\" text-anchor=\"middle\">no data yet</text>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>1, 2 or 5 times a power of ten, at or above <paramref name="value"/>.</summary>
    public static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2.0, 5.0, 10.0 })
        {
            if (value <= step * magnitude)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Format(double value) =>
        value >= 1_000_000 ? (value / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M"
        : value >= 10_000 ? (value / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
