using System.Globalization;
using FaceMask.Grains.Scaling;
using FaceMask.LoadGen.Cli;
using FaceMask.LoadGen.Requests;
using FaceMask.LoadGen.Scheduling;

namespace FaceMask.LoadGen.Experiment;

/// <summary>
/// One reproduction of the original's scaling experiment: where (a local embedded system or a running one), which
/// modes, how the time is compressed (step length and scaler period) and how the load is scaled to this machine.
/// </summary>
public sealed record ExperimentSettings
{
    /// <summary>The original's load steps in uploads/s: 0 → 8 → 10 → 100 → 10 → 8 → 0.</summary>
    public static IReadOnlyList<double> OriginalSteps { get; } = [0, 8, 10, 100, 10, 8, 0];

    /// <summary>What one of the original's EC2 workers served at 100 % CPU (8/s on 2 workers ≈ 30 %): the simulator's μ.</summary>
    public const double OriginalWorkerCapacity = 13;

    /// <summary>The original's test policy: 65 / 25 / 2.0 / 0.1, 1..8 workers, one tick of cooldown; Demand settings as default.</summary>
    public static ScalingPolicy Policy(ScalingMode mode) => ScalingPolicy.Default with { Mode = mode };

    public Uri? Url { get; init; }

    public Credentials? Admin { get; init; }

    public bool Local => Url is null;

    public IReadOnlyList<ScalingMode> Modes { get; init; } = [ScalingMode.Original, ScalingMode.Demand];

    public TimeSpan Step { get; init; } = TimeSpan.FromSeconds(90);

    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Null: measured (calibration) and set to μ ÷ <see cref="OriginalWorkerCapacity"/>.</summary>
    public double? RateFactor { get; init; }

    /// <summary>Per-worker capacity at 100 % CPU in requests/s; null: measured by a calibration run (local only).</summary>
    public double? Capacity { get; init; }

    public double Quota { get; init; } = 0.2;

    public string OutputFolder { get; init; } = Path.Combine("docs", "experiment");

    public string? Images { get; init; }

    public int Concurrency { get; init; } = 256;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Before each mode's run, wait up to <see cref="MaxQuietWait"/> for the 1-minute load average to fall below this.</summary>
    public double QuietLoad { get; init; } = 3;

    public TimeSpan MaxQuietWait { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The scaler's windows follow its period as the original's followed its minute: λ̂ over 1 tick, CPU over 2, μ̂ over 10.</summary>
    public TimeSpan ArrivalWindow => Period;

    public TimeSpan CpuWindow => 2 * Period;

    public TimeSpan CapacityWindow => 10 * Period;

    /// <summary>Workers report about 12 times per scaler window of λ̂, as the original 5 s in a minute; at least once a second, at most every 5 s.</summary>
    public TimeSpan MetricsInterval => TimeSpan.FromSeconds(Math.Clamp(Math.Round(Period.TotalSeconds / 12), 1, 5));

    /// <summary>The trace: each original step for <see cref="Step"/>, rates × the factor.</summary>
    public RateSchedule Schedule(double rateFactor) =>
        new([.. OriginalSteps.Select(rate => new RateStep(Step, rate))], rateFactor);

    /// <summary>Scaler ticks in one run: the trace's length in periods.</summary>
    public int Ticks => (int)Math.Ceiling((Step.TotalSeconds * OriginalSteps.Count / Period.TotalSeconds) - 1e-9);

    public static readonly string[] Options =
        ["url", "user", "password", "mode", "step", "period", "rate-factor", "capacity", "quota", "out", "images", "concurrency", "timeout", "quiet-load", "max-wait"];

    public static ExperimentSettings Parse(IReadOnlyList<string> args)
    {
        var cl = new CliArgs(args, Options, ["local"]);
        Uri? url = null;
        Credentials? admin = null;
        if (cl.String("url") is { } text)
        {
            if (cl.Flag("local"))
            {
                throw new UsageException("Give --url or --local, not both.");
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new UsageException($"--url {text}: expected an absolute http(s) URL.");
            }

            var password = cl.String("password") ?? Environment.GetEnvironmentVariable("LOADGEN_PASSWORD");
            admin = new Credentials(
                cl.String("user") ?? throw new UsageException("--url needs an administrator: --user and --password (or LOADGEN_PASSWORD)."),
                password ?? throw new UsageException("--user needs --password (or LOADGEN_PASSWORD)."));
        }
        else if (cl.Has("user") || cl.Has("password"))
        {
            throw new UsageException("--user and --password are for --url; --local makes its own administrator.");
        }

        IReadOnlyList<ScalingMode> modes = cl.String("mode") switch
        {
            null or "both" => [ScalingMode.Original, ScalingMode.Demand],
            "original" => [ScalingMode.Original],
            "demand" => [ScalingMode.Demand],
            var other => throw new UsageException($"--mode {other}: expected original, demand or both."),
        };
        var step = cl.Duration("step") ?? TimeSpan.FromSeconds(90);
        var period = cl.Duration("period") ?? TimeSpan.FromSeconds(10);
        if (period < TimeSpan.FromSeconds(2) || period > TimeSpan.FromMinutes(5))
        {
            throw new UsageException("--period must be between 2s and 5m (the scaler's CPU window is two periods and workers keep 10 minutes).");
        }

        if (step < 3 * period)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"--step {DurationText.Format(step)} is shorter than three periods ({DurationText.Format(3 * period)}): the scaler could not react within a step."));
        }

        var capacity = cl.Double("capacity", double.Epsilon);
        if (url is not null && capacity is null)
        {
            throw new UsageException("--url needs --capacity (requests/s one worker serves at 100 % CPU): the calibration reads worker processes from /proc, which only --local can.");
        }

        return new ExperimentSettings
        {
            Url = url,
            Admin = admin,
            Modes = modes,
            Step = step,
            Period = period,
            RateFactor = cl.Double("rate-factor", double.Epsilon),
            Capacity = capacity,
            Quota = cl.Double("quota", 0.01) ?? 0.2,
            OutputFolder = cl.String("out") ?? Path.Combine("docs", "experiment"),
            Images = cl.String("images"),
            Concurrency = cl.Int("concurrency", 1) ?? 256,
            Timeout = cl.Duration("timeout") ?? TimeSpan.FromSeconds(30),
            QuietLoad = cl.Double("quiet-load", 0) ?? 3,
            MaxQuietWait = cl.Duration("max-wait") ?? TimeSpan.FromMinutes(10),
        };
    }

    /// <summary>The scaler's settings for a compressed run, as environment variables every process of the system inherits.</summary>
    public IReadOnlyDictionary<string, string> ScalerEnvironment() => new Dictionary<string, string>
    {
        ["Scaler__Period"] = Span(Period),
        ["Scaler__ArrivalWindow"] = Span(ArrivalWindow),
        ["Scaler__CpuWindow"] = Span(CpuWindow),
        ["Scaler__CapacityWindow"] = Span(CapacityWindow),
        ["Scaler__EnabledAtStart"] = "false",
        ["Cluster__Reminders__MinimumReminderPeriod"] = Span(TimeSpan.FromSeconds(Math.Min(1, Period.TotalSeconds))),
        ["WorkerMetrics__Interval"] = Span(MetricsInterval),
    };

    private static string Span(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}
