using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceMask.Grains.Detection;
using FaceMask.LoadGen.Cli;
using FaceMask.LoadGen.Hosting;
using FaceMask.LoadGen.Reporting;
using FaceMask.LoadGen.Requests;
using FaceMask.LoadGen.Running;
using FaceMask.LoadGen.Scheduling;
using FaceMask.LoadGen.Stats;

namespace FaceMask.Benchmarks.Http;

/// <summary>
/// WebFront's overhead, measured: the same images through <see cref="MaskDetector"/> in this process (1 and 2
/// callers: the baseline) and through <c>POST /api/cpuTest</c> of a real embedded system with two local workers
/// (closed loop, growing client counts until throughput stops growing, then an open-loop run at the target rate).
/// CPU of every process (WebFront, each worker, this load generator) comes from /proc over each level.
/// </summary>
public static class HttpBenchmark
{
    public const string Usage = """
        dotnet run -c Release --project tests/FaceMask.Benchmarks -- http [options]
          --images folder       photos to send (default ../shared/fixtures)
          --workers 2           Fleet:InitialWorkers of the embedded system
          --duration 20s        measured time per level (after --warmup 5s)
          --max-clients 32      largest closed-loop level
          --baseline 15s        time per in-process baseline run
          --target-rate 100     open-loop rate checked against --target-p99 250 (ms)
          --out file.md         also write the report there
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        CliArgs cl;
        try
        {
            cl = new CliArgs(args, ["images", "workers", "duration", "warmup", "max-clients", "baseline", "target-rate", "target-p99", "out"], []);
        }
        catch (UsageException e)
        {
            await output.WriteLineAsync("error: " + e.Message + Environment.NewLine + Usage);
            return 2;
        }

        var images = ImageSet.Load(cl.String("images") ?? RepoPaths.DefaultImageFolder());
        var workers = cl.Int("workers", 1) ?? 2;
        var duration = cl.Duration("duration") ?? TimeSpan.FromSeconds(20);
        var warmUp = cl.Duration("warmup") ?? TimeSpan.FromSeconds(5);
        var maxClients = cl.Int("max-clients", 1) ?? 32;
        var baselineTime = cl.Duration("baseline") ?? TimeSpan.FromSeconds(15);
        var targetRate = cl.Double("target-rate", 1) ?? 100;
        var targetP99 = cl.Double("target-p99", 1) ?? 250;

        var report = new StringBuilder();
        void Say(string line)
        {
            output.WriteLine(line);
            report.AppendLine(line);
        }

        var inv = CultureInfo.InvariantCulture;
        Say($"# HTTP benchmark: /api/cpuTest with {workers} local workers vs the detector in process");
        Say("");
        Say(string.Create(inv, $"- machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average at start: {LoadAverage()}"));
        Say(string.Create(inv, $"- images: {images.Images.Count} files from {cl.String("images") ?? RepoPaths.DefaultImageFolder()}, {images.TotalBytes / images.Images.Count / 1024.0:0} KiB on average, sent in turn"));
        Say("");

        // 1. Baseline: the detector in this process, no HTTP, no Orleans.
        // Run again after the HTTP part: if the two disagree, something else was using the machine meanwhile.
        using var detector = new MaskDetector(new DetectorOptions { ModelPath = ImageCorpus.ModelPath });
        foreach (var image in images.Images)
        {
            detector.Detect(image.Bytes, annotate: false);   // warm-up: JIT, ONNX Runtime's first runs
        }

        var baseline = new[] { 1, 2 }.Select(callers => InProcess(detector, images, callers, baselineTime)).ToList();
        foreach (var b in baseline)
        {
            output.WriteLine(string.Create(inv, $"in process, {b.Callers} caller(s): {b.ImgPerSecond:0.0} img/s, {RunSummary.Format(b.Latency)}, {b.Cores:0.00} cores"));
        }

        // 2. The real system over HTTP.
        await using var system = await LocalSystem.StartAsync(new LocalSystemOptions { Workers = workers }, cancellationToken);
        using var http = FaceMaskSender.CreateHttpClient(system.BaseAddress);
        var sender = new FaceMaskSender(http, images, Endpoint.CpuTest, null, TimeSpan.FromSeconds(30));
        // Warm WebFront and both workers (JIT, connections, ONNX sessions) before measuring anything.
        await new ClosedLoopRunner(sender).RunAsync(4, TimeSpan.FromSeconds(10), TimeSpan.Zero, new RunRecorder(), cancellationToken);
        var processes = system.Processes();

        var levels = new List<(ClosedLoopResult Result, CpuReading Cpu)>();
        foreach (var clients in SaturationSearch.Doubling(1, maxClients))
        {
            var meter = new CpuMeter([.. processes, new SystemProcess(Environment.ProcessId, "load generator")]);
            var result = await new ClosedLoopRunner(sender).RunAsync(clients, duration, warmUp, new RunRecorder(), cancellationToken);
            var cpu = meter.Read();
            levels.Add((result, cpu));
            output.WriteLine(Commands.LevelLine(result) + " | " + CpuLine(cpu));
            var best = levels.Max(l => l.Result.OkPerSecond);
            if (levels.Count > 2 && result.OkPerSecond < best * 1.03 && levels[^2].Result.OkPerSecond >= best * 0.97)
            {
                break;   // two levels without growth: saturated
            }
        }

        Say(string.Create(inv, $"## Closed loop over HTTP: `POST /api/cpuTest`, {workers} workers, {warmUp.TotalSeconds:0} s warm-up + {duration.TotalSeconds:0} s measured per level"));
        Say("");
        var names = processes.Select(p => p.Name).Append("load generator").ToList();
        Say("| clients | img/s | p50 ms | p95 ms | p99 ms | errors | " + string.Join(" | ", names.Select(n => n + " cores")) + " | machine busy cores | other processes |");
        Say("|---:|---:|---:|---:|---:|---:|" + string.Concat(names.Select(_ => "---:|")) + "---:|---:|");
        foreach (var (r, cpu) in levels)
        {
            var perProcess = names.Select(n => cpu.Processes.Where(p => p.Name == n).Sum(p => p.Cores).ToString("0.00", inv));
            var mark = Disturbed(cpu) ? " ⚠" : "";
            Say(string.Create(inv, $"| {r.Clients}{mark} | {r.OkPerSecond:0.0} | {r.Latency.P50:0.0} | {r.Latency.P95:0.0} | {r.Latency.P99:0.0} | {r.Errors} | ") + string.Join(" | ", perProcess) + string.Create(inv, $" | {cpu.MachineBusyCores:0.00} | {Others(cpu):0.00} |"));
        }

        Say("");
        Say(string.Create(inv, $"⚠ = other processes used more than {DisturbedCores:0.00} cores during the level: its throughput and latency are not this system's alone."));
        Say("");
        var saturation = levels.MaxBy(l => l.Result.OkPerSecond);
        var withinTarget = levels.Where(l => l.Result.Latency.P99 < targetP99).Select(l => l.Result).MaxBy(r => r.OkPerSecond);

        // 3. Open loop at the target rate: does p99 stay under the target?
        var schedule = RateSchedule.Constant(targetRate, duration);
        var recorder = new RunRecorder();
        var openMeter = new CpuMeter([.. processes, new SystemProcess(Environment.ProcessId, "load generator")]);
        await new OpenLoopRunner(sender, 256).RunAsync(schedule, recorder, cancellationToken);
        var openCpu = openMeter.Read();
        var open = RunSummary.Of(schedule, recorder.Records(), schedule.Duration);

        var after = new[] { 1, 2 }.Select(callers => InProcess(detector, images, callers, baselineTime)).ToList();
        Say("## Baseline: `MaskDetector.Detect(bytes, annotate: false)` in this process, before and after the HTTP runs");
        Say("");
        Say("| run | callers | img/s | p50 ms | p95 ms | p99 ms | CPU cores used | other processes |");
        Say("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (label, runs) in new[] { ("before", baseline), ("after", after) })
        {
            foreach (var b in runs)
            {
                Say(string.Create(inv, $"| {label} | {b.Callers} | {b.ImgPerSecond:0.0} | {b.Latency.P50:0.0} | {b.Latency.P95:0.0} | {b.Latency.P99:0.0} | {b.Cores:0.00} | {b.Others:0.00}{(b.Others > DisturbedCores ? " ⚠" : "")} |"));
            }
        }

        Say("");
        // The cleaner of the two baseline runs (other work on the machine only ever slows it down).
        var clean = after[1].ImgPerSecond > baseline[1].ImgPerSecond ? after : baseline;
        var single = clean[0];
        var dual = clean[1];
        var oneClient = levels[0].Result;
        Say("## Result");
        Say("");
        Say(string.Create(inv, $"- saturation over HTTP: **{saturation.Result.OkPerSecond:0.0} img/s** with {saturation.Result.Clients} clients (p50 {saturation.Result.Latency.P50:0.0}, p95 {saturation.Result.Latency.P95:0.0}, p99 {saturation.Result.Latency.P99:0.0} ms)"));
        Say(withinTarget is null
            ? string.Create(inv, $"- no closed-loop level kept p99 under {targetP99:0} ms")
            : string.Create(inv, $"- best level with p99 < {targetP99:0} ms: **{withinTarget.OkPerSecond:0.0} img/s** ({withinTarget.Clients} clients, p99 {withinTarget.Latency.P99:0.0} ms)"));
        Say(string.Create(inv, $"- open loop at {targetRate:0}/s for {duration.TotalSeconds:0} s: achieved {open.AchievedRate:0.0} ok/s, p50 {open.OkLatency.P50:0.0}, p95 {open.OkLatency.P95:0.0}, p99 {open.OkLatency.P99:0.0} ms, dropped {open.Dropped}, late {open.Late}, errors {open.Errors.Where(e => e.Key != "dropped").Sum(e => e.Value)} | {CpuLine(openCpu)}"));
        Say(string.Create(inv, $"- target (≥ {targetRate:0} img/s at p99 < {targetP99:0} ms): **{(open.AchievedRate >= targetRate * 0.98 && open.OkLatency.P99 < targetP99 && open.Dropped == 0 ? "met" : "not met")}**"));
        Say(string.Create(inv, $"- throughput ratio, HTTP saturation ÷ in-process with 2 callers: **{saturation.Result.OkPerSecond / dual.ImgPerSecond:0.00}×** ({saturation.Result.OkPerSecond:0.0} ÷ {dual.ImgPerSecond:0.0} img/s)"));
        Say(string.Create(inv, $"- latency ratio, HTTP with 1 client ÷ in-process with 1 caller, p50: **{oneClient.Latency.P50 / single.Latency.P50:0.00}×** ({oneClient.Latency.P50:0.0} vs {single.Latency.P50:0.0} ms: {oneClient.Latency.P50 - single.Latency.P50:0.0} ms added per request)"));
        var perImage = saturation.Cpu.Processes.GroupBy(p => p.Name)
            .Select(g => string.Create(inv, $"{g.Key} {g.Sum(p => p.Cores) / saturation.Result.OkPerSecond * 1000:0.0}"));
        var inProcessMs = dual.Cores / dual.ImgPerSecond * 1000;
        Say(string.Create(inv, $"- CPU per image at saturation, ms: {string.Join(", ", perImage)}; in process: {inProcessMs:0.0} (baseline run: {(ReferenceEquals(clean, after) ? "after" : "before")})"));
        // CPU time per image does not depend on what else runs on the machine, unlike throughput: the steadier ratio.
        var httpMs = levels.Select(l => l.Cpu.Processes.Sum(p => p.Cores) / l.Result.OkPerSecond * 1000).Order().ToList();
        var medianHttpMs = httpMs[httpMs.Count / 2];
        Say(string.Create(inv, $"- CPU ratio, all our processes per image over HTTP (median of the levels: {medianHttpMs:0.0} ms) ÷ in process ({inProcessMs:0.0} ms): **{medianHttpMs / inProcessMs:0.00}×**; on {Environment.ProcessorCount} free cores that caps HTTP at ≈ {Environment.ProcessorCount * 1000 / medianHttpMs:0} img/s against ≈ {Environment.ProcessorCount * 1000 / inProcessMs:0} img/s in process"));
        Say(string.Create(inv, $"- load average at the end: {LoadAverage()}"));

        if (cl.String("out") is { } path)
        {
            await File.WriteAllTextAsync(path, report.ToString(), cancellationToken);
            output.WriteLine("report written to " + Path.GetFullPath(path));
        }

        return 0;
    }

    private static (int Callers, double ImgPerSecond, LatencySummary Latency, double Cores, double Others) InProcess(MaskDetector detector, ImageSet images, int callers, TimeSpan duration)
    {
        var next = -1L;
        var latencies = new List<double>[callers];
        var meter = new CpuMeter([new SystemProcess(Environment.ProcessId, "benchmark")]);
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, callers).Select(c =>
        {
            latencies[c] = [];
            var thread = new Thread(() =>
            {
                while (clock.Elapsed < duration)
                {
                    var image = images[Interlocked.Increment(ref next)];
                    var start = clock.Elapsed;
                    detector.Detect(image.Bytes, annotate: false);
                    latencies[c].Add((clock.Elapsed - start).TotalMilliseconds);
                }
            });
            thread.Start();
            return thread;
        }).ToList();
        threads.ForEach(t => t.Join());
        var wall = clock.Elapsed;
        var cpu = meter.Read();
        var all = latencies.SelectMany(l => l).ToList();
        return (callers, all.Count / wall.TotalSeconds, LatencySummary.Of(all), cpu.Processes.Sum(p => p.Cores), Others(cpu));
    }

    /// <summary>Cores the rest of the machine (other helpers' builds, say) used beyond which a level is marked.</summary>
    private const double DisturbedCores = 0.2;

    private static double Others(CpuReading cpu) => cpu.MachineBusyCores - cpu.Processes.Sum(p => p.Cores);

    private static bool Disturbed(CpuReading cpu) => Others(cpu) > DisturbedCores;

    private static string CpuLine(CpuReading cpu) =>
        string.Join(", ", cpu.Processes.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name} {p.Cores:0.00}")))
        + string.Create(CultureInfo.InvariantCulture, $", machine {cpu.MachineBusyCores:0.00} of {cpu.MachineCores} cores, others {Others(cpu):0.00}{(Disturbed(cpu) ? " ⚠" : "")}");

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
