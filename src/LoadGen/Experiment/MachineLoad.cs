using System.Diagnostics;
using System.Globalization;

namespace FaceMask.LoadGen.Experiment;

/// <summary>What else this machine was doing: the load average, and CPU used by processes other than the system under test.</summary>
public static class MachineLoad
{
    /// <summary>The 1-, 5- and 15-minute load averages from /proc/loadavg.</summary>
    public static (double One, double Five, double Fifteen) Average()
    {
        var fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double Parse(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
        return (Parse(0), Parse(1), Parse(2));
    }

    public static string Format((double One, double Five, double Fifteen) load) =>
        string.Create(CultureInfo.InvariantCulture, $"{load.One:0.00} {load.Five:0.00} {load.Fifteen:0.00}");

    /// <summary>Polls every 10 s until the 1-minute load average is below <paramref name="threshold"/> or <paramref name="maxWait"/> passed.</summary>
    public static async Task<(double One, double Five, double Fifteen)> WaitForQuietAsync(
        double threshold, TimeSpan maxWait, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        var load = Average();
        while (load.One >= threshold && clock.Elapsed < maxWait)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"  load average {Format(load)}: waiting for the 1-minute figure to fall below {threshold:0.#} ({clock.Elapsed.TotalMinutes:0.0} of {maxWait.TotalMinutes:0} min)"));
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
            load = Average();
        }

        return load;
    }

    /// <summary>The model name of the first CPU in /proc/cpuinfo, or "unknown".</summary>
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

/// <summary>
/// CPU of the system under test (every process it has at each sample, including workers that come and go, and this
/// load generator) against the whole machine's busy time over a run: the difference is what other work took.
/// A process first seen after the start counts from its birth, so a worker's boot is included.
/// </summary>
public sealed class RunCpuAccount
{
    private readonly Dictionary<int, (TimeSpan Baseline, TimeSpan Last)> _processes = [];
    private readonly (long Busy, long Total) _machineStart = MachineTicks();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _first = true;

    /// <summary>Reads the CPU time of each of <paramref name="pids"/>.</summary>
    public void Sample(IEnumerable<int> pids)
    {
        ArgumentNullException.ThrowIfNull(pids);
        foreach (var pid in pids.Append(Environment.ProcessId).Distinct())
        {
            if (CpuOf(pid) is not { } cpu)
            {
                continue;
            }

            _processes[pid] = _processes.TryGetValue(pid, out var seen)
                ? (seen.Baseline, cpu)
                : (_first ? cpu : TimeSpan.Zero, cpu);
        }

        _first = false;
    }

    /// <summary>Cores used on average since construction: by the system under test, and by the whole machine.</summary>
    public (double Ours, double Machine, int Cores) Read()
    {
        var wall = _clock.Elapsed.TotalSeconds;
        var ours = _processes.Values.Sum(p => (p.Last - p.Baseline).TotalSeconds) / wall;
        var (busy, total) = MachineTicks();
        var cores = Environment.ProcessorCount;
        var machine = total == _machineStart.Total ? 0 : cores * (double)(busy - _machineStart.Busy) / (total - _machineStart.Total);
        return (ours, machine, cores);
    }

    private static TimeSpan? CpuOf(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        return (total - fields[3] - fields[4], total);
    }
}
