using System.Text;

namespace FaceMask.Grains.Scaling.Simulation;

/// <summary>
/// A self-contained SVG of a run (no scripts, fonts or links): three panels over the same minute axis — the load,
/// demand d against serving workers s (and serving + booting), and the serving workers' mean CPU with the policy's
/// thresholds.
/// </summary>
public static class SimulationPlot
{
    private const double Width = 960;
    private const double Left = 70;
    private const double Right = 160;
    private const double Top = 76;
    private const double PanelHeight = 150;
    private const double Gap = 48;
    private const double Bottom = 46;

    public static string Render(LoadTrace trace, SimulationRequest request, IReadOnlyList<SimulationMinute> minutes, ElasticityMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(minutes);
        ArgumentNullException.ThrowIfNull(metrics);

        var height = Top + 3 * PanelHeight + 2 * Gap + Bottom;
        var count = Math.Max(minutes.Count, 1);
        var svg = new StringBuilder();
        svg.Append(F($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(F($"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n"));
        var title = F($"Trace {trace.Name}, {request.Policy.Mode} mode, noise {(request.Noise ? "on" : "off")}, μ = {request.WorkerCapacity:0.##} uploads/s, boot {request.BootMinutes} min");
        var summary = F($"θU {metrics.ThetaU:0.0} %  θO {metrics.ThetaO:0.0} %  τU {metrics.TauU:0.0} %  τO {metrics.TauO:0.0} %  instability {metrics.Instability:0.0} %  jitter {metrics.Jitter:0.000}  max settling {metrics.MaxSettlingTime} min  actions {metrics.Actions}  reversals {metrics.Reversals}  worker-minutes {metrics.WorkerMinutes}");
        svg.Append(F($"<text x=\"{Left}\" y=\"20\" font-size=\"15\" font-weight=\"bold\">{Escape(title)}</text>\n"));
        svg.Append(F($"<text x=\"{Left}\" y=\"40\" fill=\"#444\">{Escape(summary)}</text>\n"));

        var loadMax = Math.Max(1, minutes.Count > 0 ? minutes.Max(m => m.Load) : 1);
        var load = new Panel(Top, 0, Nice(loadMax), count, "uploads/s");
        Axes(svg, load, "Load (uploads/s)");
        Line(svg, load, minutes.Select(m => (double?)m.Load).ToList(), "#1f77b4", step: false, dashed: false);
        Legend(svg, load, [("load", "#1f77b4", false)]);

        var workerMax = Math.Max(request.Policy.MaxWorkers, minutes.Count > 0 ? minutes.Max(m => Math.Max(m.Serving + m.Booting, m.Demand)) : 1);
        var fleet = new Panel(Top + PanelHeight + Gap, 0, workerMax + 1, count, "workers");
        Axes(svg, fleet, "Workers");
        Line(svg, fleet, minutes.Select(m => (double?)(m.Serving + m.Booting)).ToList(), "#bbbbbb", step: true, dashed: false);
        Line(svg, fleet, minutes.Select(m => (double?)m.Demand).ToList(), "#d62728", step: true, dashed: true);
        Line(svg, fleet, minutes.Select(m => (double?)m.Serving).ToList(), "#2ca02c", step: true, dashed: false);
        Legend(svg, fleet, [("demand d", "#d62728", true), ("serving s", "#2ca02c", false), ("serving + booting", "#bbbbbb", false)]);

        var cpu = new Panel(Top + 2 * (PanelHeight + Gap), 0, 100, count, "%");
        Axes(svg, cpu, "Mean CPU of serving workers (%)");
        foreach (var (value, label) in new[] { (request.Policy.GrowCpuPercent, "grow"), (request.Policy.ShrinkCpuPercent, "shrink") })
        {
            var y = cpu.Y(value);
            svg.Append(F($"<line x1=\"{Left}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>"));
            svg.Append(F($"<text x=\"{Width - Right + 4}\" y=\"{y + 4:0.#}\" fill=\"#555\" font-size=\"11\">{label} {value:0.#} %</text>\n"));
        }

        Line(svg, cpu, minutes.Select(m => m.MeanCpu).ToList(), "#9467bd", step: false, dashed: false);
        // Above the panel: inside the right column it would meet the threshold labels, which go wherever the policy puts them.
        Legend(svg, cpu, [("mean CPU", "#9467bd", false)], below: -22);

        svg.Append(F($"<text x=\"{Left + (Width - Left - Right) / 2:0.#}\" y=\"{height - 8:0.#}\" text-anchor=\"middle\">minute</text>\n"));
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private sealed record Panel(double Top, double Min, double Max, int Minutes, string Unit)
    {
        public double X(double minute) => Left + (minute / Minutes * (Width - Left - Right));

        public double Y(double value) => Top + PanelHeight - ((Math.Clamp(value, Min, Max) - Min) / (Max - Min) * PanelHeight);
    }

    private static void Axes(StringBuilder svg, Panel panel, string label)
    {
        var bottom = panel.Top + PanelHeight;
        svg.Append(F($"<text x=\"{Left}\" y=\"{panel.Top - 8:0.#}\" font-weight=\"bold\">{Escape(label)}</text>\n"));
        svg.Append(F($"<rect x=\"{Left}\" y=\"{panel.Top:0.#}\" width=\"{Width - Left - Right}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#333\"/>\n"));
        var yStep = TickStep(panel.Max - panel.Min);
        for (var v = panel.Min; v <= panel.Max + 1e-9; v += yStep)
        {
            var y = panel.Y(v);
            svg.Append(F($"<line x1=\"{Left - 4}\" y1=\"{y:0.#}\" x2=\"{Width - Right}\" y2=\"{y:0.#}\" stroke=\"#eee\"/>"));
            svg.Append(F($"<text x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{v:0.##}</text>\n"));
        }

        svg.Append(F($"<text transform=\"translate({Left - 44} {panel.Top + PanelHeight / 2:0.#}) rotate(-90)\" text-anchor=\"middle\" fill=\"#444\">{Escape(panel.Unit)}</text>\n"));
        var xStep = MinuteStep(panel.Minutes);
        var ticks = new List<double>();
        for (var m = 0.0; m <= panel.Minutes + 1e-9; m += xStep)
        {
            ticks.Add(m);
        }

        // The end of the run is always labelled, unless a tick sits too close to it to leave room.
        if (panel.Minutes - ticks[^1] > xStep / 2)
        {
            ticks.Add(panel.Minutes);
        }

        foreach (var m in ticks)
        {
            var x = panel.X(m);
            svg.Append(F($"<line x1=\"{x:0.#}\" y1=\"{bottom:0.#}\" x2=\"{x:0.#}\" y2=\"{bottom + 4:0.#}\" stroke=\"#333\"/>"));
            svg.Append(F($"<text x=\"{x:0.#}\" y=\"{bottom + 16:0.#}\" text-anchor=\"middle\">{m:0}</text>\n"));
        }
    }

    private static void Line(StringBuilder svg, Panel panel, IReadOnlyList<double?> values, string colour, bool step, bool dashed) =>
        SvgPlot.Line(svg, values, panel.X, panel.Y, colour, step, dashed);

    private static void Legend(StringBuilder svg, Panel panel, IReadOnlyList<(string Label, string Colour, bool Dashed)> items, double below = 0) =>
        SvgPlot.Legend(svg, Width - Right + 10, panel.Top + 10 + below, items);

    private static double Nice(double value) => SvgPlot.Nice(value);

    private static double TickStep(double span) => SvgPlot.TickStep(span);

    /// <summary>A minute step that reads as time (…, 10, 15, 20, 30, 60, …) giving at most about eight ticks.</summary>
    private static double MinuteStep(int minutes)
    {
        var raw = minutes / 8.0;
        foreach (var step in new[] { 1.0, 2, 5, 10, 15, 20, 30, 60, 120, 240, 360, 720, 1440 })
        {
            if (step >= raw)
            {
                return step;
            }
        }

        return Math.Ceiling(raw / 1440) * 1440;
    }

    private static string Escape(string text) => SvgPlot.Escape(text);

    private static string F(FormattableString text) => SvgPlot.F(text);
}
