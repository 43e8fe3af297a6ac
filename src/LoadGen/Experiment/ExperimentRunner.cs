using System.Diagnostics;
using System.Globalization;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;
using FaceMask.LoadGen.Hosting;
using FaceMask.LoadGen.Reporting;
using FaceMask.LoadGen.Requests;
using FaceMask.LoadGen.Running;
using FaceMask.LoadGen.Scheduling;

namespace FaceMask.LoadGen.Experiment;

/// <summary>
/// One worker's capacity under the quota, measured: first its CPU at rest (the silo's own overhead), then its
/// throughput in a closed loop of <see cref="Clients"/> clients, which keeps it saturated; CPU of the worker process
/// from /proc.
/// </summary>
public sealed record Calibration(
    double IdleCores, int Clients, double OkPerSecond, double WorkerCores, double Quota, TimeSpan Measured, FaceMask.LoadGen.Stats.LatencySummary Latency)
{
    /// <summary>The worker's CPU at rest as a % of its quota.</summary>
    public double IdlePercent => 100 * IdleCores / Quota;

    /// <summary>The worker's CPU while saturated as a % of its quota (≈ 100 when the quota is what limits it).</summary>
    public double CpuPercent => 100 * WorkerCores / Quota;

    /// <summary>μ: what one worker answers per second at 100 % of its quota, its saturated throughput.</summary>
    public double Capacity => OkPerSecond;

    /// <summary>CPU one answer costs on top of the overhead at rest, in ms.</summary>
    public double CpuMsPerRequest => 1000 * Math.Max(0, WorkerCores - IdleCores) / OkPerSecond;
}

/// <summary>Everything one mode's run produced.</summary>
public sealed record ModeResult(
    ScalingMode Mode,
    ScalingPolicy Policy,
    ExperimentTimeline Timeline,
    RunSummary Summary,
    Calibration? Calibration,
    double RateFactor,
    double Capacity,
    (double One, double Five, double Fifteen) LoadBefore,
    (double One, double Five, double Fifteen) LoadAfter,
    TimeSpan QuietWait,
    (double Ours, double Machine, int Cores) Cpu,
    IReadOnlyList<double> BootSeconds,
    IReadOnlyList<WorkerInfo> Workers,
    FleetSeriesPayload? Series,
    DateTimeOffset Started,
    IReadOnlyList<FaceMask.LoadGen.Stats.LatencySummary> StepLatencies);

/// <summary>Runs the experiment for each mode on a fresh system (or on the given one), then writes the report.</summary>
public sealed class ExperimentRunner(ExperimentSettings settings, TextWriter output)
{
    private const int CalibrationClients = 4;
    private static readonly TimeSpan CalibrationIdle = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan CalibrationWarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CalibrationLength = TimeSpan.FromSeconds(25);

    public async Task<IReadOnlyList<ModeResult>> RunAsync(CancellationToken cancellationToken)
    {
        var images = ImageSet.Load(settings.Images ?? RepoPaths.DefaultImageFolder());
        var results = new List<ModeResult>();
        double? capacity = settings.Capacity;
        double? factor = settings.RateFactor;
        foreach (var mode in settings.Modes)
        {
            await Say($"== {mode} mode ==");
            var quiet = Stopwatch.StartNew();
            var loadBefore = await MachineLoad.WaitForQuietAsync(settings.QuietLoad, settings.MaxQuietWait, output, cancellationToken);
            var waited = quiet.Elapsed;
            await Say($"load average {MachineLoad.Format(loadBefore)} after waiting {waited.TotalMinutes:0.0} min");

            LocalSystem? system = null;
            FirstWorkerQuota? quota = null;
            SystemProcess? firstWorker = null;
            try
            {
                Uri baseAddress;
                Credentials admin;
                if (settings.Local)
                {
                    await Say($"starting the embedded system: quota {settings.Quota} core per worker, scaler period {settings.Period.TotalSeconds} s");
                    system = await LocalSystem.StartAsync(
                        new LocalSystemOptions
                        {
                            Workers = 1,
                            Settings = [Setting("Fleet:Local:CpuQuotaCores", settings.Quota), Setting("WorkerMetrics:CpuCores", settings.Quota)],
                            Environment = settings.ScalerEnvironment(),
                        },
                        cancellationToken);
                    var processes = system.Processes();
                    await Say("processes: " + string.Join(", ", processes.Select(p => $"{p.Name} (pid {p.Pid}: {CommandLine(p.Pid)})")));
                    var first = processes.FirstOrDefault(p => p.Name == "worker-1")
                        ?? throw new InvalidOperationException("Worker #1 of the local system was not found in /proc.");
                    quota = FirstWorkerQuota.Apply(first.Pid, settings.Quota);
                    firstWorker = first;
                    baseAddress = system.BaseAddress;
                    admin = system.Admin;
                    await Say($"up at {baseAddress}; worker #1 (pid {first.Pid}) under the quota in {quota.GroupPath}");
                }
                else
                {
                    baseAddress = settings.Url!;
                    admin = settings.Admin!;
                }

                using var http = FaceMaskSender.CreateHttpClient(baseAddress);
                var manager = new ManagerClient(http, admin);
                var sender = new FaceMaskSender(http, images, Endpoint.CpuTest, null, settings.Timeout);
                await manager.DisableScalerAsync(cancellationToken);
                if (system is not null)
                {
                    // The policy's bounds go to the fleet, which launches workers up to the minimum: wait until it
                    // has taken in worker #1, or it would start a second one "to meet the minimum".
                    await WaitForFleetAsync(manager, cancellationToken);
                }

                var policy = await manager.PutPolicyAsync(ExperimentSettings.Policy(mode), cancellationToken);

                Calibration? calibration = null;
                if (system is not null)
                {
                    calibration = await CalibrateAsync(system, firstWorker!, sender, cancellationToken);
                    var active = await ActiveWorkersAsync(manager, cancellationToken);
                    if (active.Count != 1)
                    {
                        throw new InvalidOperationException(
                            $"The calibration needs exactly one worker, but the fleet has {active.Count}: {string.Join(", ", active.Select(w => $"{w.Name} {w.State}"))}.");
                    }

                    await Say($"calibration: at rest {calibration.IdlePercent:0.0} % of the quota; saturated {calibration.OkPerSecond:0.00} answers/s at {calibration.CpuPercent:0.0} % (p50 {calibration.Latency.P50:0} ms) → μ = {calibration.Capacity:0.00} requests/s per worker, {calibration.CpuMsPerRequest:0.0} ms CPU per answer");
                }

                capacity ??= calibration?.Capacity ?? throw new InvalidOperationException("No capacity: give --capacity.");
                factor ??= capacity.Value / ExperimentSettings.OriginalWorkerCapacity;
                var schedule = settings.Schedule(factor.Value);
                await Say($"trace {schedule} ({schedule.Duration.TotalMinutes:0.0} min), μ for the demand = {capacity:0.00}");

                var result = await RunTraceAsync(mode, policy, schedule, capacity.Value, manager, sender, system, cancellationToken);
                results.Add(result with
                {
                    Calibration = calibration,
                    RateFactor = factor.Value,
                    Capacity = capacity.Value,
                    LoadBefore = loadBefore,
                    QuietWait = waited,
                });
            }
            finally
            {
                if (system is not null)
                {
                    await Say("stopping the system");
                    await system.DisposeAsync();
                }

                quota?.Dispose();
            }
        }

        return results;
    }

    private static async Task<IReadOnlyList<WorkerInfo>> ActiveWorkersAsync(ManagerClient manager, CancellationToken cancellationToken) =>
        [.. (await manager.WorkersAsync(cancellationToken)).Where(w => w.State is WorkerState.Pending or WorkerState.Starting or WorkerState.Running)];

    /// <summary>Until the fleet lists exactly one worker, Running (worker #1 adopted), for up to a minute.</summary>
    private async Task WaitForFleetAsync(ManagerClient manager, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var active = await ActiveWorkersAsync(manager, cancellationToken);
            if (active is [{ State: WorkerState.Running }])
            {
                await Say($"fleet: {active[0].Name} Running after {clock.Elapsed.TotalSeconds:0.0} s");
                return;
            }

            if (clock.Elapsed > TimeSpan.FromMinutes(1))
            {
                throw new TimeoutException(
                    $"The fleet did not list worker #1 alone as Running within a minute: {string.Join(", ", active.Select(w => $"{w.Name} {w.State}"))}.");
            }

            await Task.Delay(500, cancellationToken);
        }
    }

    private async Task<Calibration> CalibrateAsync(LocalSystem system, SystemProcess worker, FaceMaskSender sender, CancellationToken cancellationToken)
    {
        await Say($"calibrating worker #1: {CalibrationIdle.TotalSeconds:0} s at rest, then a closed loop of {CalibrationClients} clients, {CalibrationWarmUp.TotalSeconds:0} s warm-up + {CalibrationLength.TotalSeconds:0} s measured");
        var idleMeter = new CpuMeter([worker]);
        await Task.Delay(CalibrationIdle, cancellationToken);
        var idle = idleMeter.Read().Processes.SingleOrDefault(p => p.Pid == worker.Pid)?.Cores
            ?? throw new InvalidOperationException($"Worker #1 (pid {worker.Pid}) ended during the calibration.");

        var recorder = new RunRecorder();
        var closed = new ClosedLoopRunner(sender).RunAsync(CalibrationClients, CalibrationLength, CalibrationWarmUp, recorder, cancellationToken);
        await Task.Delay(CalibrationWarmUp, cancellationToken);
        var meter = new CpuMeter([worker]);
        var result = await closed;
        var reading = meter.Read();
        var cores = reading.Processes.SingleOrDefault(p => p.Pid == worker.Pid)?.Cores
            ?? throw new InvalidOperationException($"Worker #1 (pid {worker.Pid}) ended during the calibration.");
        if (result.Errors > 0)
        {
            await Say($"  calibration errors: {string.Join(", ", result.ErrorsByKind.Select(e => $"{e.Key} × {e.Value}"))}");
        }

        return new Calibration(idle, CalibrationClients, result.OkPerSecond, cores, settings.Quota, result.Measured, result.Latency);
    }

    private async Task<ModeResult> RunTraceAsync(
        ScalingMode mode, ScalingPolicy policy, RateSchedule schedule, double capacity, ManagerClient manager, FaceMaskSender sender, LocalSystem? system, CancellationToken cancellationToken)
    {
        var account = new RunCpuAccount();
        account.Sample(system?.Processes().Select(p => p.Pid) ?? []);
        var recorder = new RunRecorder();
        var runner = new OpenLoopRunner(sender, settings.Concurrency);
        var loadStart = DateTimeOffset.UtcNow;
        var status = await manager.EnableScalerAsync(cancellationToken);
        await Say($"scaler enabled (period {status.Period.TotalSeconds} s); load started at {loadStart:HH:mm:ss} UTC");
        var clock = Stopwatch.StartNew();
        using var monitorStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var monitor = MonitorAsync(manager, recorder, system, account, loadStart, monitorStop.Token);
        await runner.RunAsync(schedule, recorder, cancellationToken);
        var wall = clock.Elapsed;

        // The tick that observes the last period comes about a period after the load ends.
        var lastTick = loadStart + (settings.Ticks + 0.6) * settings.Period;
        if (lastTick - DateTimeOffset.UtcNow is { } wait && wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cancellationToken);
        }

        await monitorStop.CancelAsync();
        await monitor;
        account.Sample(system?.Processes().Select(p => p.Pid) ?? []);
        await manager.DisableScalerAsync(cancellationToken);
        var decisions = await manager.DecisionsSinceAsync(loadStart, cancellationToken);
        var workers = await manager.WorkersAsync(cancellationToken);
        FleetSeriesPayload? series = null;
        try
        {
            series = await manager.SeriesAsync((int)Math.Min(60, Math.Ceiling(schedule.Duration.TotalMinutes) + 2), cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException or HttpRequestException)
        {
            await Say("fleet series not read: " + e.Message);
        }

        var records = recorder.Records();
        var timeline = ExperimentTimeline.Build(schedule, settings.Period, loadStart, records, decisions, policy, capacity);
        return new ModeResult(
            mode, policy, timeline, RunSummary.Of(schedule, records, wall), null, 0, 0, default, MachineLoad.Average(), TimeSpan.Zero,
            account.Read(), ExperimentTimeline.BootSeconds(workers, loadStart), workers, series, loadStart,
            ExperimentTimeline.StepLatencies(records, settings.Step, ExperimentSettings.OriginalSteps.Count));
    }

    /// <summary>One line per scaler tick while the load runs; also samples the CPU of the system's processes.</summary>
    private async Task MonitorAsync(ManagerClient manager, RunRecorder recorder, LocalSystem? system, RunCpuAccount account, DateTimeOffset loadStart, CancellationToken cancellationToken)
    {
        long last = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
                account.Sample(system?.Processes().Select(p => p.Pid) ?? []);
                DecisionPage page;
                try
                {
                    page = await manager.DecisionsAsync(0, 1, cancellationToken);
                }
                catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException { InnerException: TimeoutException })
                {
                    await Say("  (decisions not read: " + e.Message + ")");
                    continue;
                }

                if (page.Items is [var d] && d.Sequence != last && d.At >= loadStart)
                {
                    last = d.Sequence;
                    var snapshot = recorder.Snapshot(TimeSpan.FromSeconds(5), settings.Period);
                    var serving = d.Workers.Count(w => w.Serving);
                    await Say(string.Create(CultureInfo.InvariantCulture,
                        $"  t={(d.At - loadStart).TotalSeconds,5:0} s  {serving} serving + {d.Workers.Count - serving} booting, mean CPU {d.MeanCpu,5:0.0} %, λ̂ {d.ArrivalRate,6:0.0}/s, μ̂ {d.CapacityEstimate,5:0.0}  {d.Action} {d.Count} ({d.Rule}) | answered {snapshot.RecentRatePerSecond,5:0.0}/s p95 {snapshot.Recent.P95,6:0} ms, in flight {snapshot.InFlight}, dropped {snapshot.Dropped}"));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static string CommandLine(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
            return text.Length <= 120 ? text : text[..120] + "…";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static string Setting(string key, double value) => string.Create(CultureInfo.InvariantCulture, $"--{key}={value}");

    private Task Say(FormattableString line) => Say(line.ToString(CultureInfo.InvariantCulture));

    private async Task Say(string line) => await output.WriteLineAsync(line);
}
