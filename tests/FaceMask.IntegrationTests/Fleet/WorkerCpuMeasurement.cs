using System.Diagnostics;
using System.Globalization;
using System.Text;
using FaceMask.Grains.Fleet;

namespace FaceMask.IntegrationTests.Fleet;

/// <summary>
/// Not a test: a measurement that only prints, run on demand with <c>scripts/measure-worker-cpu.sh</c> (explicit, so
/// <c>scripts/test.sh</c> skips it). One steady load on <c>/api/cpuTest</c> over a fleet of two, once without and once
/// with <c>Fleet:Local:CpuQuotaCores=0.5</c>; for the worker the fleet launched (the one the quota applies to), the CPU
/// its WorkerGrain reports, cross-checked with the process's own CPU time from /proc/&lt;pid&gt;/stat.
/// </summary>
[Trait("Category", "Measurement")]
public sealed class WorkerCpuMeasurement
{
    private const int Clients = 4;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact(Explicit = true)]
    public async Task WorkerCpuUnderOneSteadyLoadWithAndWithoutQuota()
    {
        var report = new StringBuilder();
        foreach (var quota in new double?[] { null, 0.5 })
        {
            report.AppendLine(await MeasureAsync(quota));
        }

        Output?.WriteLine(report.ToString());
    }

    private static async Task<string> MeasureAsync(double? quota)
    {
        string[] settings = quota is { } cores ? [$"--Fleet:Local:CpuQuotaCores={cores.ToString(CultureInfo.InvariantCulture)}"] : [];
        await using var fleet = FleetSystem.With(2, settings);
        await fleet.InitializeAsync();
        var worker = (await fleet.ReadyAsync(2)).Single(w => w.Pid is not null);
        Assert.Equal(quota is not null, worker.CpuQuotaActive);
        await using var own = await OwnClusterClient.ConnectAsync(fleet.System.SqlitePath);
        var metrics = own.Client.GetGrain<IWorkerGrain>(worker.Id);
        using var process = Process.GetProcessById(worker.Pid!.Value);

        await using var load = DetectionLoad.Start(fleet.Address, Clients);
        // Warm up: the worker's first report that covers load only.
        var loadStarted = DateTimeOffset.UtcNow;
        Assert.True(await Processes.EventuallyAsync(
            async () => (await metrics.LatestAsync())?.At > loadStarted + TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(30)));

        var from = DateTimeOffset.UtcNow;
        var shotsFrom = load.Now;
        var cpuFrom = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var machineFrom = MachineTicks();
        var throttledFrom = Throttled(worker.Id);
        var samples = new Dictionary<DateTimeOffset, WorkerSample>();
        using (var tick = new PeriodicTimer(TimeSpan.FromSeconds(1)))
        {
            while (wall.Elapsed < Window && await tick.WaitForNextTickAsync(TestContext.Current.CancellationToken))
            {
                if (await metrics.LatestAsync() is { } sample && sample.At - TimeSpan.FromSeconds(sample.IntervalSeconds) >= from)
                {
                    samples[sample.At] = sample;
                }
            }
        }

        var procCores = (process.TotalProcessorTime - cpuFrom).TotalSeconds / wall.Elapsed.TotalSeconds;
        var machineBusy = MachineBusy(machineFrom, MachineTicks());
        var throttled = Throttled(worker.Id) - throttledFrom;
        var shots = load.Shots.Where(s => s.Started >= shotsFrom).ToList();
        var series = await fleet.Manager.SeriesAsync(2);
        await load.StopAsync();

        var allotment = quota ?? Environment.ProcessorCount;
        var reported = samples.Values.Sum(s => s.CpuPercent * s.IntervalSeconds) / samples.Values.Sum(s => s.IntervalSeconds);
        var minutes = series.GetProperty("workers").GetProperty(worker.Id).GetProperty("cpu_percent").EnumerateArray()
            .Select(p => p.GetProperty("value")).Where(v => v.ValueKind == System.Text.Json.JsonValueKind.Number)
            .Select(v => v.GetDouble().ToString("0.0", CultureInfo.InvariantCulture));
        return string.Create(CultureInfo.InvariantCulture,
            $"""
            quota {(quota is null ? "none" : $"{quota} core")}: {worker.Name} (pid {worker.Pid}), {Clients} clients, {wall.Elapsed.TotalSeconds:0} s
              WorkerGrain: {reported:0.0} % of its allotment ({allotment} core) = {reported / 100 * allotment:0.00} core, from {samples.Count} samples ({string.Join(", ", samples.Values.OrderBy(s => s.At).Select(s => s.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture)))}); per-minute series: {string.Join(", ", minutes)}
              /proc/{worker.Pid}/stat: {procCores:0.00} core = {procCores / allotment * 100:0.0} % of the allotment
              requests: {shots.Count(s => s.Worker == worker.Name) / wall.Elapsed.TotalSeconds:0.0}/s on {worker.Name}, {shots.Count(s => s.Succeeded) / wall.Elapsed.TotalSeconds:0.0}/s in all, {shots.Count(s => !s.Succeeded)} failed; machine busy {machineBusy:0} % of {Environment.ProcessorCount} cores{(throttled is { } t ? $"; throttled {t} periods" : "")}
            """);
    }

    /// <summary>Busy and total jiffies of the whole machine (first line of /proc/stat).</summary>
    private static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        return (fields.Take(8).Sum() - idle, fields.Take(8).Sum());
    }

    private static double MachineBusy((long Busy, long Total) from, (long Busy, long Total) to) =>
        100.0 * (to.Busy - from.Busy) / Math.Max(1, to.Total - from.Total);

    /// <summary>nr_throttled of the worker's cgroup v1 cpu group, when it has one.</summary>
    private static long? Throttled(string workerId)
    {
        var stat = Path.Combine("/sys/fs/cgroup/cpu/facemask", workerId, "cpu.stat");
        return File.Exists(stat)
            ? File.ReadLines(stat).Select(l => l.Split(' ')).Where(p => p[0] == "nr_throttled").Select(p => long.Parse(p[1], CultureInfo.InvariantCulture)).FirstOrDefault()
            : null;
    }
}
