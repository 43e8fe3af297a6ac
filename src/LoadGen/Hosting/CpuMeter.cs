using System.Diagnostics;
using System.Globalization;

namespace FaceMask.LoadGen.Hosting;

/// <summary>
/// CPU used by a set of processes over an interval, from /proc (utime + stime of each process, its own threads
/// only), and by the whole machine from the first line of /proc/stat, to see what else was running.
/// </summary>
public sealed class CpuMeter
{
    private readonly Dictionary<int, (string Name, TimeSpan Cpu)> _start = [];
    private readonly (long Busy, long Total) _machineStart;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public CpuMeter(IEnumerable<SystemProcess> processes)
    {
        ArgumentNullException.ThrowIfNull(processes);
        foreach (var p in processes)
        {
            if (CpuOf(p.Pid) is { } cpu)
            {
                _start[p.Pid] = (p.Name, cpu);
            }
        }

        _machineStart = MachineTicks();
    }

    /// <summary>Cores used by each process since construction (1.0 = one core busy the whole time), and the machine's busy cores.</summary>
    public CpuReading Read()
    {
        var wall = _clock.Elapsed.TotalSeconds;
        var perProcess = new List<ProcessCpu>();
        foreach (var (pid, (name, before)) in _start)
        {
            if (CpuOf(pid) is { } now)
            {
                perProcess.Add(new ProcessCpu(pid, name, (now - before).TotalSeconds / wall));
            }
        }

        var (busy, total) = MachineTicks();
        var cores = Environment.ProcessorCount;
        var machine = total == _machineStart.Total ? 0 : cores * (double)(busy - _machineStart.Busy) / (total - _machineStart.Total);
        return new CpuReading(TimeSpan.FromSeconds(wall), perProcess, machine, cores);
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
        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        var idle = fields[3] + fields[4];
        return (total - idle, total);
    }
}

public sealed record ProcessCpu(int Pid, string Name, double Cores);

public sealed record CpuReading(TimeSpan Wall, IReadOnlyList<ProcessCpu> Processes, double MachineBusyCores, int MachineCores);
