using System.Globalization;

namespace FaceMask.LoadGen.Experiment;

/// <summary>The <c>experiment</c> command: runs the original's scaling experiment per mode and writes the report.</summary>
public static class ExperimentCommand
{
    public const string Usage = """
          experiment  the original's scaling experiment (0 → 8 → 10 → 100 → 10 → 8 → 0 uploads/s), time-compressed
            --local | --url http://host:port --user admin --password p (or LOADGEN_PASSWORD) --capacity μ
            [--mode original|demand|both] [--step 90s] [--period 10s] [--quota 0.2]
            [--rate-factor F (default: calibrated μ ÷ 13)] [--capacity μ (default: calibrated, --local only)]
            [--out docs/experiment] [--images folder] [--concurrency 256] [--timeout 30s]
            [--quiet-load 3] [--max-wait 10m]   wait for the 1-minute load average to fall below this first
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        var settings = ExperimentSettings.Parse(args);
        var commandLine = "dotnet run -c Release --project src/LoadGen -- experiment " + string.Join(' ', args.Select(Quote));
        var results = await new ExperimentRunner(settings, output).RunAsync(cancellationToken);
        Directory.CreateDirectory(settings.OutputFolder);
        foreach (var (name, content) in ExperimentReport.Files(settings, results, commandLine))
        {
            var path = Path.Combine(settings.OutputFolder, name);
            await File.WriteAllTextAsync(path, content, cancellationToken);
            await output.WriteLineAsync($"wrote {path}");
        }

        foreach (var r in results)
        {
            var m = r.Timeline.Elasticity.Metrics;
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{r.Mode,-8} θU {m.ThetaU:0.0} %  θO {m.ThetaO:0.0} %  τU {m.TauU:0.0} %  τO {m.TauO:0.0} %  instability {m.Instability:0.0} %  jitter {m.Jitter:0.000}  settling {m.MaxSettlingTime} ticks  actions {m.Actions}  reversals {m.Reversals}  worker-ticks {m.WorkerMinutes}  OK {r.Summary.Ok}/{r.Summary.Planned}"));
        }

        return 0;
    }

    private static string Quote(string arg) => arg.Contains(' ', StringComparison.Ordinal) ? "\"" + arg + "\"" : arg;
}
