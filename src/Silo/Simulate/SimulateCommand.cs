using System.Globalization;
using System.Text.Json;
using FaceMask.Grains.Scaling;
using FaceMask.Grains.Scaling.Simulation;

namespace FaceMask.Silo.Simulate;

/// <summary>
/// <c>FaceMask.Silo simulate …</c>: runs the scaling simulator without starting a silo, prints its metrics (a table
/// or JSON) and writes the SVG plot. Exit codes: 0 done, 1 the plot could not be written, 2 bad arguments.
/// </summary>
public static class SimulateCommand
{
    public const string Name = "simulate";
    public const int BadArguments = 2;

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static bool Matches(IReadOnlyList<string> args) => args is [Name, ..];

    /// <summary>Runs the command on the arguments after <c>simulate</c>.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var parsed = SimulateArguments.Parse(args);
        if (parsed.Help && parsed.Errors.Count == 0)
        {
            output.WriteLine(SimulateArguments.Usage);
            return 0;
        }

        if (parsed.Errors.Count > 0)
        {
            foreach (var message in parsed.Errors)
            {
                error.WriteLine($"simulate: {message}");
            }

            error.WriteLine(SimulateArguments.Usage);
            return BadArguments;
        }

        var request = parsed.Request;
        var report = Simulator.Run(request);
        var svgPath = Path.GetFullPath(parsed.SvgPath ?? Path.Combine(Path.GetTempPath(),
            $"facemask-simulation-{request.Trace}-{Mode(request)}{(request.Noise ? "" : "-no-noise")}.svg"));
        try
        {
            File.WriteAllText(svgPath, report.Svg);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            error.WriteLine($"simulate: cannot write the plot to {svgPath}: {e.Message}");
            return 1;
        }

        if (parsed.Json)
        {
            output.WriteLine(JsonSerializer.Serialize(Json(report, svgPath, parsed.PerMinute), JsonOptions));
        }
        else
        {
            WriteTable(output, report, svgPath, parsed.PerMinute);
        }

        return 0;
    }

    private static Dictionary<string, object?> Json(SimulationReport report, string svgPath, bool perMinute)
    {
        var request = report.Request;
        var m = report.Metrics;
        var json = new Dictionary<string, object?>
        {
            ["trace"] = request.Trace,
            ["mode"] = Mode(request),
            ["noise"] = request.Noise,
            ["seed"] = request.Seed,
            ["capacity"] = request.WorkerCapacity,
            ["capacity_prior"] = request.Policy.CapacityPrior,
            ["boot_minutes"] = request.BootMinutes,
            ["minutes_simulated"] = report.Minutes.Count,
            ["metrics"] = new Dictionary<string, object>
            {
                ["theta_u"] = Round(m.ThetaU),
                ["theta_o"] = Round(m.ThetaO),
                ["tau_u"] = Round(m.TauU),
                ["tau_o"] = Round(m.TauO),
                ["instability"] = Round(m.Instability),
                ["jitter"] = Round(m.Jitter),
                ["max_settling_time"] = m.MaxSettlingTime,
                ["actions"] = m.Actions,
                ["reversals"] = m.Reversals,
                ["worker_minutes"] = m.WorkerMinutes,
            },
            ["settling_times"] = report.SettlingTimes,
            ["svg"] = svgPath,
        };
        if (perMinute)
        {
            json["minutes"] = report.Minutes.Select(x => new Dictionary<string, object?>
            {
                ["minute"] = x.Minute,
                ["load"] = Round(x.Load),
                ["demand"] = x.Demand,
                ["serving"] = x.Serving,
                ["booting"] = x.Booting,
                ["mean_cpu"] = x.MeanCpu is { } c ? Round(c) : null,
                ["action"] = x.Action.ToString().ToLowerInvariant(),
                ["count"] = x.Count,
                ["rule"] = x.Rule,
            }).ToList();
        }

        return json;
    }

    private static void WriteTable(TextWriter output, SimulationReport report, string svgPath, bool perMinute)
    {
        var request = report.Request;
        var policy = request.Policy;
        var m = report.Metrics;
        var trace = Traces.Get(request.Trace);
        var lines = new List<string>
        {
            I($"Scaling simulation: trace {trace.Name}, {policy.Mode} mode, noise {(request.Noise ? $"on (σ = {Simulator.NoiseSigma} %, seed {request.Seed})" : "off")}"),
            I($"  {trace.Description}"),
            I($"  μ = {request.WorkerCapacity} uploads/s per worker at 100 % CPU, boot {request.BootMinutes} min; policy grow {policy.GrowCpuPercent} % / shrink {policy.ShrinkCpuPercent} %, ratios {policy.GrowRatio} / {policy.ShrinkRatio}, workers {policy.MinWorkers}–{policy.MaxWorkers}, cooldown {policy.CooldownTicks}, W {policy.StabilizationTicks}, μ0 {policy.CapacityPrior}"),
            "",
            I($"  {"θU  under-provisioning accuracy",-36} {m.ThetaU,9:0.00} %"),
            I($"  {"θO  over-provisioning accuracy",-36} {m.ThetaO,9:0.00} %"),
            I($"  {"τU  under-provisioning timeshare",-36} {m.TauU,9:0.00} %"),
            I($"  {"τO  over-provisioning timeshare",-36} {m.TauO,9:0.00} %"),
            I($"  {"instability",-36} {m.Instability,9:0.00} %"),
            I($"  {"jitter",-36} {m.Jitter,9:0.000} /min"),
            I($"  {"max settling time",-36} {m.MaxSettlingTime,9} min   (per step: {string.Join(", ", report.SettlingTimes)})"),
            I($"  {"actions",-36} {m.Actions,9}"),
            I($"  {"reversals",-36} {m.Reversals,9}"),
            I($"  {"worker-minutes",-36} {m.WorkerMinutes,9}"),
        };
        if (perMinute)
        {
            lines.Add("");
            lines.Add(I($"  {"minute",6} {"load",7} {"demand",6} {"serving",7} {"booting",7} {"cpu %",6}  {"action",-10} rule"));
            lines.AddRange(report.Minutes.Select(x =>
                I($"  {x.Minute,6} {x.Load,7:0.#} {x.Demand,6} {x.Serving,7} {x.Booting,7} {(x.MeanCpu is { } c ? c.ToString("0.0", CultureInfo.InvariantCulture) : "–"),6}  {Action(x),-10} {x.Rule}")));
        }

        lines.Add("");
        lines.Add(I($"SVG written to {svgPath}"));
        foreach (var line in lines)
        {
            output.WriteLine(line);
        }
    }

    private static string Action(SimulationMinute minute) => minute.Action switch
    {
        ScalingAction.Grow => $"grow +{minute.Count}",
        ScalingAction.Shrink => $"shrink −{minute.Count}",
        _ => "–",
    };

    private static string Mode(SimulationRequest request) => request.Policy.Mode.ToString().ToLowerInvariant();

    private static double Round(double value) => Math.Round(value, 4);

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
