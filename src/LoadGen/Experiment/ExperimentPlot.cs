using System.Text;
using FaceMask.Grains.Scaling;
using FaceMask.Grains.Scaling.Simulation;

namespace FaceMask.LoadGen.Experiment;

/// <summary>
/// A self-contained SVG of one measured run, like the original's §5.2 figures: over the same time axis (minutes,
/// the load steps marked), the load; the workers (serving, serving + booting) against the demand d; each worker's
/// CPU and their mean against the thresholds; and the latency of the answers.
/// </summary>
public static class ExperimentPlot
{
    private const double Width = 980;
    private const double Left = 70;
    private const double Right = 170;
    private const double Top = 70;
    private const double PanelHeight = 140;
    private const double Gap = 46;
    private const double Bottom = 40;

    private static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#9467bd"];

    public static string Render(string title, string subtitle, ExperimentTimeline timeline, ScalingPolicy policy, TimeSpan period, TimeSpan step)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(policy);
        var rows = timeline.Rows;
        var count = Math.Max(rows.Count, 1);
        var minutes = count * period.TotalMinutes;
        var height = Top + (4 * PanelHeight) + (3 * Gap) + Bottom;
        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(F($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n"));
        svg.Append(F($"<text x=\"{Left}\" y=\"20\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}</text>\n"));
        svg.Append(F($"<text x=\"{Left}\" y=\"40\" fill=\"#444\">{Escape(subtitle)}</text>\n"));

        double? Max(Func<TickRow, double?> value) => rows.Select(value).OfType<double>().DefaultIfEmpty(0).Max();

        var top = Top;
        var load = new Panel(top, Nice(Math.Max(1, Math.Max(Max(r => r.Load) ?? 0, Max(r => r.SentPerSecond) ?? 0))), count, minutes, "requests/s");
        Axes(svg, load, "Load: the trace's rate, requests sent and answered OK per second", step, period);
        Line(svg, load, rows.Select(r => (double?)r.SentPerSecond).ToList(), "#aec7e8", stepLine: false);
        Line(svg, load, rows.Select(r => (double?)r.OkPerSecond).ToList(), "#2ca02c", stepLine: false);
        Line(svg, load, rows.Select(r => (double?)r.Load).ToList(), "#1f77b4", stepLine: true);
        Legend(svg, load, [("trace", "#1f77b4", false), ("sent", "#aec7e8", false), ("answered OK", "#2ca02c", false)]);

        top += PanelHeight + Gap;
        var fleetMax = Math.Max(policy.MaxWorkers, timeline.Minutes.Select(m => m.Serving + m.Booting).DefaultIfEmpty(0).Max());
        var fleet = new Panel(top, fleetMax + 1, count, minutes, "workers");
        Axes(svg, fleet, "Workers at each tick: serving s, serving + booting, demand d", step, period);
        Line(svg, fleet, timeline.Minutes.Select(m => (double?)(m.Serving + m.Booting)).ToList(), "#bbbbbb", stepLine: true);
        Line(svg, fleet, timeline.Minutes.Select(m => (double?)m.Demand).ToList(), "#d62728", stepLine: true, dashed: true);
        Line(svg, fleet, timeline.Minutes.Select(m => (double?)m.Serving).ToList(), "#2ca02c", stepLine: true);
        Legend(svg, fleet, [("demand d", "#d62728", true), ("serving s", "#2ca02c", false), ("serving + booting", "#bbbbbb", false)]);

        top += PanelHeight + Gap;
        var cpu = new Panel(top, 100, count, minutes, "%");
        Axes(svg, cpu, "CPU % of each worker's quota (the scaler's 2-tick average) and their mean", step, period);
        foreach (var (value, label) in new[] { (policy.GrowCpuPercent, "grow"), (policy.ShrinkCpuPercent, "shrink") })
        {
            var y = cpu.Y(value);
            svg.Append(F($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>"));
            svg.Append(F($"<text x=\"{Width - Right + 4}\" y=\"{y + 4:0.#}\" fill=\"#777\" font-size=\"10\">{label} {value:0.#} %</text>\n"));
        }

        var workerIds = rows.Where(r => r.Decision is not null).SelectMany(r => r.Decision!.Workers.Select(w => w.WorkerId)).Distinct().ToList();
        for (var k = 0; k < workerIds.Count; k++)
        {
            var id = workerIds[k];
            var series = rows.Select(r => r.Decision?.Workers.FirstOrDefault(w => w.WorkerId == id)?.CpuPercent).ToList();
            Line(svg, cpu, series, Palette[k % Palette.Length], stepLine: false, width: 1, opacity: 0.55);
        }

        Line(svg, cpu, rows.Select(r => r.MeanCpu).ToList(), "#000000", stepLine: false, width: 2.5);
        Legend(svg, cpu, [("mean of serving", "#000000", false), ("each worker (thin)", "#ff7f0e", false)], below: 30);

        top += PanelHeight + Gap;
        var latencyMax = Nice(Math.Max(10, Max(r => r.Latency.P95) ?? 0));
        var latency = new Panel(top, latencyMax, count, minutes, "ms");
        Axes(svg, latency, "Latency of the answers OK ending in each period (p50, p95) and errors per period", step, period);
        Line(svg, latency, rows.Select(r => r.Latency.P50).ToList(), "#1f77b4", stepLine: false);
        Line(svg, latency, rows.Select(r => r.Latency.P95).ToList(), "#ff7f0e", stepLine: false);
        var errorMax = Math.Max(1, rows.Select(r => r.Errors).DefaultIfEmpty(0).Max());
        foreach (var row in rows.Where(r => r.Errors > 0))
        {
            var h = PanelHeight * 0.5 * row.Errors / errorMax;
            svg.Append(F($"<rect x=\"{latency.X(row.Tick):0.##}\" y=\"{latency.Top + PanelHeight - h:0.##}\" width=\"{latency.X(row.Tick + 1) - latency.X(row.Tick):0.##}\" height=\"{h:0.##}\" fill=\"#d62728\" opacity=\"0.35\"/>\n"));
        }

        Legend(svg, latency, [("p50", "#1f77b4", false), ("p95", "#ff7f0e", false), (F($"errors (max {errorMax})"), "#d62728", false)]);

        svg.Append(F($"<text x=\"{Left + ((Width - Left - Right) / 2):0.#}\" y=\"{height - 8:0.#}\" text-anchor=\"middle\">minutes since the load started (dotted: load steps)</text>\n"));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private sealed record Panel(double Top, double Max, int Ticks, double Minutes, string Unit)
    {
        public double X(double tick) => Left + (tick / Ticks * (Width - Left - Right));

        public double XMinutes(double minute) => Left + (minute / Minutes * (Width - Left - Right));

        public double Y(double value) => Top + PanelHeight - (Math.Clamp(value, 0, Max) / Max * PanelHeight);
    }

    private static void Axes(StringBuilder svg, Panel panel, string label, TimeSpan step, TimeSpan period)
    {
        var bottom = panel.Top + PanelHeight;
        svg.Append(F($"<text x=\"{Left}\" y=\"{panel.Top - 8:0.#}\" font-weight=\"bold\">{Escape(label)}</text>\n"));
        svg.Append(F($"<rect x=\"{Left}\" y=\"{panel.Top:0.#}\" width=\"{Width - Left - Right}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#333\"/>\n"));
        var yStep = TickStep(panel.Max);
        for (var v = 0.0; v <= panel.Max + 1e-9; v += yStep)
        {
            var y = panel.Y(v);
            svg.Append(F($"<line x1=\"{Left - 4}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\" stroke=\"#eee\"/>"));
            svg.Append(F($"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{v:0.##}</text>\n"));
        }

        svg.Append(F($"<text transform=\"translate({Left - 48} {panel.Top + (PanelHeight / 2):0.#}) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">{Escape(panel.Unit)}</text>\n"));
        var stepMinutes = step.TotalMinutes;
        for (var m = stepMinutes; m < panel.Minutes - 1e-9; m += stepMinutes)
        {
            var x = panel.XMinutes(m);
            svg.Append(F($"<line x1=\"{x:0.#}\" y1=\"{panel.Top:0.#}\" x2=\"{x:0.#}\" y2=\"{bottom:0.#}\" stroke=\"#999\" stroke-dasharray=\"1 3\"/>"));
        }

        var xStep = Math.Max(period.TotalMinutes, TickStep(panel.Minutes));
        for (var m = 0.0; m <= panel.Minutes + 1e-9; m += xStep)
        {
            var x = panel.XMinutes(m);
            svg.Append(F($"<line x1=\"{x:0.#}\" y1=\"{bottom:0.#}\" x2=\"{x:0.#}\" y2=\"{bottom + 4:0.#}\" stroke=\"#333\"/>"));
            svg.Append(F($"<text x=\"{x:0.#}\" y=\"{bottom + 16:0.#}\" text-anchor=\"middle\">{m:0.#}</text>\n"));
        }
    }

    private static void Line(StringBuilder svg, Panel panel, IReadOnlyList<double?> values, string colour, bool stepLine, bool dashed = false, double width = 2, double opacity = 1) =>
        SvgPlot.Line(svg, values, panel.X, panel.Y, colour, stepLine, dashed, width, opacity);

    private static void Legend(StringBuilder svg, Panel panel, IReadOnlyList<(string Label, string Colour, bool Dashed)> items, double below = 0) =>
        SvgPlot.Legend(svg, Width - Right + 10, panel.Top + 10 + below, items);

    private static double Nice(double value) => SvgPlot.Nice(value);

    private static double TickStep(double span) => SvgPlot.TickStep(span);

    private static string Escape(string text) => SvgPlot.Escape(text);

    private static string F(FormattableString text) => SvgPlot.F(text);
}
