using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceMask.Grains.Fleet.Local;

/// <summary>
/// Workers as child processes of this machine running the Silo program, Linux only. Everything it needs to find a
/// worker again is in /proc — pid and start time in the instance id, the worker id on the command line, the silo
/// port's listener — so a fleet grain that moved to another silo process can watch and stop workers it did not
/// start. Forwarded configuration goes through the environment, which unlike the command line only the owner can read.
/// </summary>
public sealed partial class LocalWorkerProvisioner(
    IOptions<LocalProvisionerOptions> options,
    IConfiguration configuration,
    ILogger<LocalWorkerProvisioner> logger) : IWorkerProvisioner, IDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const string CgroupFolder = "facemask";
    private static readonly TimeSpan LeftoverAge = TimeSpan.FromMinutes(1);
    private static readonly string[] DefaultSections = ["Cluster", "Detector", "Fleet", "WorkerMetrics", "Scaler", "Logging", "Worker"];
    private static readonly HashSet<string> PerWorkerKeys = new(
        ["Worker:Name", "Worker:Id", "Worker:SiloPort", "Worker:GatewayPort", "WorkerMetrics:WorkerId", "WorkerMetrics:CpuCores"],
        StringComparer.OrdinalIgnoreCase);

    private readonly LocalProvisionerOptions _options = options.Value;

    // Held so that the runtime reaps the children it started; dropped once they are seen gone.
    private readonly ConcurrentDictionary<int, Process> _children = new();

    public Task<WorkerInstance> StartAsync(WorkerLaunch launch, CancellationToken cancellationToken)
    {
        if (FindRunning(launch.WorkerId) is { } existing)
        {
            return Task.FromResult(existing);
        }

        var (siloPort, gatewayPort) = FreePorts();
        var cgroup = _options.CpuQuotaCores is { } cores ? PrepareCgroup(launch.WorkerId, cores) : null;
        var start = StartInfo(launch, siloPort, gatewayPort, cgroup is null ? null : _options.CpuQuotaCores);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        _children[process.Id] = process;
        var quotaActive = cgroup is not null && TryWrite(Path.Combine(cgroup, "cgroup.procs"), process.Id.ToString(CultureInfo.InvariantCulture));
        var stat = ProcFs.Stat(process.Id) ?? throw new InvalidOperationException($"{launch.Name} exited as soon as it started.");
        logger.LogInformation(
            "Started {Worker} (pid {Pid}, silo port {SiloPort}, gateway port {GatewayPort}, CPU quota {Quota})",
            launch.Name, process.Id, siloPort, gatewayPort, quotaActive ? $"{_options.CpuQuotaCores} cores" : "none");
        return Task.FromResult(new WorkerInstance(
            launch.WorkerId, launch.Name, InstanceId(process.Id, stat.StartTime), _options.Host, siloPort, gatewayPort, quotaActive));
    }

    public Task StopAsync(WorkerInstance instance, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (Locate(instance) is not var (pid, startTime))
        {
            logger.LogInformation("{Worker} has no process to stop", instance.Name);
            return Task.CompletedTask;
        }

        if (grace <= TimeSpan.Zero)
        {
            _ = Kill(pid, SigKill);
            return Task.CompletedTask;
        }

        // SIGTERM: the silo shuts down gracefully, closing its gateway first and finishing in-flight calls.
        _ = Kill(pid, SigTerm);
        _ = Task.Run(() => KillAfterAsync(instance, pid, startTime, grace), CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task<bool> IsAliveAsync(WorkerInstance instance, CancellationToken cancellationToken)
    {
        if (ParseInstanceId(instance.InstanceId) is not var (pid, startTime))
        {
            return Task.FromResult(true); // not ours to judge (an adopted worker): membership decides
        }

        var alive = ProcFs.IsRunning(pid, startTime);
        if (!alive)
        {
            Forget(pid, instance.WorkerId);
        }

        return Task.FromResult(alive);
    }

    public void Dispose()
    {
        foreach (var process in _children.Values)
        {
            process.Dispose();
        }
    }

    /// <summary>The worker program's command line (per-worker settings) and environment (forwarded configuration).</summary>
    internal ProcessStartInfo StartInfo(WorkerLaunch launch, int siloPort, int gatewayPort, double? cpuCores)
    {
        var (program, programArguments) = Program();
        var start = new ProcessStartInfo(program) { UseShellExecute = false, WorkingDirectory = Directory.GetCurrentDirectory() };
        foreach (var argument in programArguments.Concat(_options.WorkerArguments ?? []))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var section in _options.ForwardSections ?? DefaultSections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable(makePathsRelative: false))
            {
                if (value is not null && !PerWorkerKeys.Contains(key))
                {
                    start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
                }
            }
        }

        start.ArgumentList.Add($"--Worker:Name={launch.Name}");
        start.ArgumentList.Add($"--Worker:Id={launch.WorkerId}");
        start.ArgumentList.Add($"--Worker:SiloPort={siloPort}");
        start.ArgumentList.Add($"--Worker:GatewayPort={gatewayPort}");
        if (cpuCores is { } cores)
        {
            start.ArgumentList.Add($"--WorkerMetrics:CpuCores={cores.ToString(CultureInfo.InvariantCulture)}");
        }

        return start;
    }

    private (string Program, string[] Arguments) Program()
    {
        var path = _options.WorkerPath;
        if (path is null)
        {
            var entry = Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("Set Fleet:Local:WorkerPath.");
            var apphost = Path.ChangeExtension(entry, null);
            path = File.Exists(apphost) ? apphost : entry;
        }

        return path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? (DotnetHost(), [path]) : (path, []);
    }

    private static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
        : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : "dotnet";

    /// <summary>A live process of this worker, started earlier by any silo: found by the worker id on its command line.</summary>
    private WorkerInstance? FindRunning(string workerId)
    {
        var marker = $"--Worker:Id={workerId}";
        foreach (var pid in ProcFs.Pids())
        {
            if (ProcFs.CommandLine(pid) is { } args && args.Contains(marker) && ProcFs.Stat(pid) is { State: not 'Z' } stat)
            {
                string? Value(string key) => args.LastOrDefault(a => a.StartsWith($"--{key}=", StringComparison.Ordinal))?[(key.Length + 3)..];
                var cgroupProcs = Path.Combine(CgroupPath(workerId), "cgroup.procs");
                var quota = File.Exists(cgroupProcs) && File.ReadLines(cgroupProcs).Contains(pid.ToString(CultureInfo.InvariantCulture));
                return new WorkerInstance(
                    workerId, Value("Worker:Name") ?? workerId, InstanceId(pid, stat.StartTime), _options.Host,
                    int.Parse(Value("Worker:SiloPort") ?? "0", CultureInfo.InvariantCulture),
                    int.Parse(Value("Worker:GatewayPort") ?? "0", CultureInfo.InvariantCulture),
                    quota);
            }
        }

        return null;
    }

    /// <summary>The process behind an instance: by its id, or for a worker this provisioner did not start, by its silo port.</summary>
    private static (int Pid, ulong StartTime)? Locate(WorkerInstance instance)
    {
        if (ParseInstanceId(instance.InstanceId) is var (pid, startTime))
        {
            return ProcFs.IsRunning(pid, startTime) ? (pid, startTime) : null;
        }

        return instance.SiloPort > 0 && ProcFs.ListenerOf(instance.SiloPort) is { } listener && ProcFs.Stat(listener) is { } stat
            ? (listener, stat.StartTime)
            : null;
    }

    private async Task KillAfterAsync(WorkerInstance instance, int pid, ulong startTime, TimeSpan grace)
    {
        await Task.Delay(grace);
        if (ProcFs.IsRunning(pid, startTime))
        {
            logger.LogWarning("{Worker} (pid {Pid}) was still running {Grace} after SIGTERM; killing it", instance.Name, pid, grace);
            _ = Kill(pid, SigKill);
        }
    }

    private string? PrepareCgroup(string workerId, double cores)
    {
        var path = CgroupPath(workerId);
        try
        {
            RemoveLeftoverCgroups();
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "cpu.cfs_period_us"), "100000");
            File.WriteAllText(Path.Combine(path, "cpu.cfs_quota_us"), ((long)Math.Round(cores * 100_000)).ToString(CultureInfo.InvariantCulture));
            return path;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("No CPU quota for {Worker}: cgroup {Path} is not writable ({Error})", workerId, path, ex.Message);
            return null;
        }
    }

    private string CgroupPath(string workerId) => Path.Combine(_options.CgroupRoot, CgroupFolder, workerId);

    /// <summary>
    /// Removes the groups of workers that ended while no fleet watched them (the whole system was stopped, so nobody
    /// saw them gone): rmdir, which the kernel refuses while a process is in the group. Groups younger than a minute
    /// are left alone: one may have just been made for a worker not yet moved into it.
    /// </summary>
    private void RemoveLeftoverCgroups()
    {
        var folder = Path.Combine(_options.CgroupRoot, CgroupFolder);
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var group in Directory.EnumerateDirectories(folder))
        {
            try
            {
                if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(group) > LeftoverAge)
                {
                    Directory.Delete(group);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Still in use, or not ours to remove.
            }
        }
    }

    private bool TryWrite(string path, string text)
    {
        try
        {
            File.WriteAllText(path, text);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning("Could not write {Path}: {Error}", path, ex.Message);
            return false;
        }
    }

    private void Forget(int pid, string workerId)
    {
        if (_children.TryRemove(pid, out var process))
        {
            process.Dispose();
        }

        try
        {
            Directory.Delete(CgroupPath(workerId)); // rmdir; fails harmlessly while a process is still in it
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // None there, or still busy: tried again on the next look.
        }
    }

    private (int SiloPort, int GatewayPort) FreePorts()
    {
        var address = IPAddress.Parse(_options.Host);
        using var silo = new TcpListener(address, 0);
        using var gateway = new TcpListener(address, 0);
        silo.Start();
        gateway.Start();
        return (((IPEndPoint)silo.LocalEndpoint).Port, ((IPEndPoint)gateway.LocalEndpoint).Port);
    }

    private static string InstanceId(int pid, ulong startTime) => $"{pid}:{startTime}";

    private static (int Pid, ulong StartTime)? ParseInstanceId(string? instanceId)
    {
        var parts = instanceId?.Split(':');
        return parts is [var pid, var start]
            && int.TryParse(pid, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            && ulong.TryParse(start, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            ? (p, s)
            : null;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
