using System.Globalization;
using FaceMask.LoadGen.Hosting;
using FaceMask.LoadGen.Reporting;
using FaceMask.LoadGen.Requests;
using FaceMask.LoadGen.Running;
using FaceMask.LoadGen.Scheduling;

namespace FaceMask.LoadGen.Cli;

/// <summary>The <c>run</c> (open loop) and <c>closed</c> (closed loop, saturation) commands.</summary>
public static class Commands
{
    public const string Usage = $$"""
        FaceMask load generator

          run     open loop: requests start on schedule whatever the latency
            --url http://host:port | --local [--workers N] [--setting --Key=value ...]
            --rate R (requests/s) with --duration D or --count N, or --schedule 30s@8,60s@10,...
            [--rate-factor F] [--concurrency 64] [--endpoint cpuTest|upload] [--images folder]
            [--user u --password p (or LOADGEN_PASSWORD)] [--csv out.csv] [--timeout 30s] [--quiet]

          closed  closed loop: N clients, each sends its next request when the previous one answers
            --url ... | --local ...
            --clients N | --clients 1,2,4,8 | --step [--max-clients 64]
            [--duration 20s] [--warmup 5s] [--endpoint ...] [--images ...] [--user/--password] [--csv out.csv]

        {{Experiment.ExperimentCommand.Usage}}
        Durations: 500ms, 60s, 2m, 1h or hh:mm:ss. Images: every png/jpg/jpeg/gif under the folder,
        by default ../shared/fixtures beside the checkout. --local starts the embedded default
        (WebFront + workers) on free ports with its data in a temporary folder, and stops it at the end.
        """;

    private static readonly string[] CommonOptions =
        ["url", "workers", "setting", "images", "endpoint", "user", "password", "csv", "timeout"];

    public static async Task<int> MainAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        try
        {
            return args switch
            {
                ["run", .. var rest] => await RunAsync(rest, output, cancellationToken),
                ["closed", .. var rest] => await ClosedAsync(rest, output, cancellationToken),
                ["experiment", .. var rest] => await Experiment.ExperimentCommand.RunAsync(rest, output, cancellationToken),
                [] or ["help" or "--help" or "-h", ..] => Help(output),
                [var other, ..] => throw new UsageException($"Unknown command '{other}'."),
            };
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync("error: " + e.Message);
            await error.WriteLineAsync();
            await error.WriteLineAsync(Usage);
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidDataException or InvalidOperationException or TimeoutException)
        {
            await error.WriteLineAsync("error: " + e.Message);
            return 1;
        }
    }

    private static int Help(TextWriter output)
    {
        output.WriteLine(Usage);
        return 0;
    }

    private static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var cl = new CliArgs(
            args,
            [.. CommonOptions, "rate", "duration", "count", "schedule", "rate-factor", "concurrency"],
            ["local", "quiet"],
            ["setting"]);
        var schedule = ScheduleFrom(cl);
        var concurrency = cl.Int("concurrency", 1) ?? 64;
        await using var target = await Target.OpenAsync(cl, output, cancellationToken);
        var sender = target.Sender;

        await output.WriteLineAsync($"open loop: {FaceMaskSender.PathOf(target.Endpoint)} at {target.BaseAddress}, {target.Images.Images.Count} images, " +
            $"schedule {schedule} ({schedule.Count()} requests), concurrency cap {concurrency}");
        var recorder = new RunRecorder();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using (cl.Flag("quiet") ? null : new ProgressPrinter(recorder, output))
        {
            await new OpenLoopRunner(sender, concurrency).RunAsync(schedule, recorder, cancellationToken);
        }

        var records = recorder.Records();
        var summary = RunSummary.Of(schedule, records, clock.Elapsed);
        await output.WriteLineAsync();
        await output.WriteAsync(summary.ToText(concurrency));
        await WriteCsvAsync(cl, records, output);
        return 0;
    }

    private static async Task<int> ClosedAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var cl = new CliArgs(
            args,
            [.. CommonOptions, "clients", "max-clients", "duration", "warmup"],
            ["local", "step", "quiet"],
            ["setting"]);
        var duration = cl.Duration("duration") ?? TimeSpan.FromSeconds(20);
        var warmUp = cl.Has("warmup") ? DurationText.Parse(cl.String("warmup")!) : TimeSpan.FromSeconds(5);
        IReadOnlyList<int> levels = cl.Flag("step")
            ? SaturationSearch.Doubling(1, cl.Int("max-clients", 1) ?? 64)
            : ParseClients(cl.String("clients") ?? throw new UsageException("closed needs --clients N, --clients 1,2,4 or --step."));
        await using var target = await Target.OpenAsync(cl, output, cancellationToken);

        await output.WriteLineAsync($"closed loop: {FaceMaskSender.PathOf(target.Endpoint)} at {target.BaseAddress}, {target.Images.Images.Count} images, " +
            $"clients {string.Join(",", levels)}, {warmUp.TotalSeconds:0.#} s warm-up + {duration.TotalSeconds:0.#} s measured per level");
        var allRecords = new List<RequestRecord>();
        var results = new List<ClosedLoopResult>();
        foreach (var clients in levels)
        {
            var recorder = new RunRecorder();
            ClosedLoopResult result;
            await using (cl.Flag("quiet") ? null : new ProgressPrinter(recorder, output))
            {
                result = await new ClosedLoopRunner(target.Sender).RunAsync(clients, duration, warmUp, recorder, cancellationToken, allRecords.Count);
            }

            allRecords.AddRange(recorder.Records());
            results.Add(result);
            await output.WriteLineAsync(LevelLine(result));
            if (cl.Flag("step") && results.Count > 1 && result.OkPerSecond < results.Max(r => r.OkPerSecond) * 1.05 && result.OkPerSecond <= results[^2].OkPerSecond * 1.05)
            {
                await output.WriteLineAsync("throughput stopped growing: done");
                break;
            }
        }

        var best = results.MaxBy(r => r.OkPerSecond)!;
        await output.WriteLineAsync();
        await output.WriteLineAsync(SaturationTable(results));
        await output.WriteLineAsync($"saturation: {best.OkPerSecond:0.0} img/s with {best.Clients} clients, ok latency {RunSummary.Format(best.Latency)}");
        await WriteCsvAsync(cl, allRecords, output);
        return 0;
    }

    public static string LevelLine(ClosedLoopResult r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var errors = r.ErrorsByKind.Count == 0 ? "none" : string.Join(" ", r.ErrorsByKind.Select(e => $"{e.Key}×{e.Value}"));
        return string.Create(CultureInfo.InvariantCulture, $"clients {r.Clients,3}: {r.OkPerSecond,7:0.0} img/s, {RunSummary.Format(r.Latency)}, errors {errors}");
    }

    /// <summary>A markdown table of closed-loop levels.</summary>
    public static string SaturationTable(IEnumerable<ClosedLoopResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            "| clients | img/s | p50 ms | p95 ms | p99 ms | errors |",
            "|---:|---:|---:|---:|---:|---:|",
        };
        lines.AddRange(results.Select(r => string.Create(inv, $"| {r.Clients} | {r.OkPerSecond:0.0} | {r.Latency.P50:0.0} | {r.Latency.P95:0.0} | {r.Latency.P99:0.0} | {r.Errors} |")));
        return string.Join(Environment.NewLine, lines);
    }

    internal static RateSchedule ScheduleFrom(CliArgs cl)
    {
        var factor = cl.Double("rate-factor", double.Epsilon) ?? 1.0;
        var count = cl.Int("count", 1);
        if (cl.String("schedule") is { } text)
        {
            if (cl.Has("rate") || cl.Has("duration"))
            {
                throw new UsageException("--schedule replaces --rate and --duration: give one or the other.");
            }

            try
            {
                return RateSchedule.Parse(text, factor, count);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new UsageException("--schedule: " + e.Message);
            }
        }

        var rate = cl.Double("rate", 0) ?? throw new UsageException("run needs --rate R (requests/s) or --schedule.");
        if (rate <= 0)
        {
            throw new UsageException("--rate must be > 0.");
        }

        return (cl.Duration("duration"), count) switch
        {
            ({ } d, null) => RateSchedule.Constant(rate, d, factor),
            (null, { } n) => RateSchedule.ForCount(rate, n, factor),
            ({ } d, { } n) => new RateSchedule([new RateStep(d, rate)], factor, n),
            (null, null) => throw new UsageException("run needs --duration D or --count N."),
        };
    }

    internal static IReadOnlyList<int> ParseClients(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                throw new UsageException($"--clients: '{part}' is not a whole number ≥ 1.");
            }

            levels.Add(n);
        }

        return levels.Count > 0 ? levels : throw new UsageException("--clients needs at least one number.");
    }

    private static async Task WriteCsvAsync(CliArgs cl, IReadOnlyList<RequestRecord> records, TextWriter output)
    {
        if (cl.String("csv") is { } path)
        {
            RequestCsv.WriteFile(path, records);
            await output.WriteLineAsync($"csv        {Path.GetFullPath(path)} ({records.Count} rows)");
        }
    }

    /// <summary>The server under load (given by URL, or started locally), its HTTP client and the sender.</summary>
    private sealed class Target : IAsyncDisposable
    {
        private LocalSystem? _local;
        private HttpClient? _http;

        public Uri BaseAddress { get; private set; } = null!;

        public Endpoint Endpoint { get; private set; }

        public ImageSet Images { get; private set; } = null!;

        public FaceMaskSender Sender { get; private set; } = null!;

        public static async Task<Target> OpenAsync(CliArgs cl, TextWriter output, CancellationToken cancellationToken)
        {
            var endpoint = cl.String("endpoint") switch
            {
                null or "cpuTest" => Endpoint.CpuTest,
                "upload" => Endpoint.Upload,
                var other => throw new UsageException($"--endpoint {other}: expected cpuTest or upload."),
            };
            var password = cl.String("password") ?? Environment.GetEnvironmentVariable("LOADGEN_PASSWORD");
            Credentials? credentials = cl.String("user") is { } user
                ? new Credentials(user, password ?? throw new UsageException("--user needs --password (or LOADGEN_PASSWORD)."))
                : null;
            if (endpoint == Endpoint.Upload && credentials is null)
            {
                throw new UsageException("--endpoint upload needs --user and --password.");
            }

            var images = ImageSet.Load(cl.String("images") ?? RepoPaths.DefaultImageFolder());
            var timeout = cl.Duration("timeout") ?? TimeSpan.FromSeconds(30);
            var target = new Target { Endpoint = endpoint, Images = images };
            try
            {
                if (cl.Flag("local"))
                {
                    if (cl.Has("url"))
                    {
                        throw new UsageException("Give --url or --local, not both.");
                    }

                    var workers = cl.Int("workers", 1) ?? 1;
                    await output.WriteLineAsync($"starting the embedded system with {workers} worker(s)…");
                    target._local = await LocalSystem.StartAsync(new LocalSystemOptions { Workers = workers, Settings = cl.All("setting") }, cancellationToken);
                    target.BaseAddress = target._local.BaseAddress;
                    await output.WriteLineAsync($"embedded system up at {target.BaseAddress} (data in {target._local.DataDirectory})");
                }
                else
                {
                    var url = cl.String("url") ?? throw new UsageException("Give --url http://host:port or --local.");
                    if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    {
                        throw new UsageException($"--url {url}: expected an absolute http(s) URL.");
                    }

                    target.BaseAddress = uri;
                }

                target._http = FaceMaskSender.CreateHttpClient(target.BaseAddress);
                if (credentials is not null && endpoint == Endpoint.Upload)
                {
                    await FaceMaskSender.EnsureUserAsync(target._http, credentials, cancellationToken);
                }

                target.Sender = new FaceMaskSender(target._http, images, endpoint, credentials, timeout);
                return target;
            }
            catch
            {
                await target.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _http?.Dispose();
            if (_local is not null)
            {
                await _local.DisposeAsync();
            }
        }
    }
}
