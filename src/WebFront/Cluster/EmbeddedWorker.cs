using System.Diagnostics;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Cluster;

/// <summary>
/// The embedded default: when no silo answers on the configured gateway, start worker #1 (the
/// localhost-clustering primary) as a child process before the Orleans client connects, and stop it
/// with WebFront.
/// </summary>
public sealed partial class EmbeddedWorker(
    IOptions<ClusterOptions> options, IConfiguration configuration, ILogger<EmbeddedWorker> logger) : IHostedService
{
    private const int SigTerm = 15;
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    private Process? _worker;

    /// <summary>The worker this WebFront started, if any.</summary>
    public int? WorkerProcessId => _worker?.Id;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (!o.StartWorker || await AcceptsConnectionsAsync(o.GatewayPort, cancellationToken))
        {
            return;
        }

        var start = WorkerStartInfo(o);
        logger.LogInformation("No silo answers on gateway {GatewayPort}; starting worker #1: {Program}", o.GatewayPort, start.FileName);
        _worker = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");

        var deadline = Stopwatch.StartNew();
        while (!await AcceptsConnectionsAsync(o.GatewayPort, cancellationToken))
        {
            if (_worker.HasExited)
            {
                throw new InvalidOperationException(
                    $"Worker #1 exited with code {_worker.ExitCode} before its gateway opened on port {o.GatewayPort}; see its log above.");
            }

            if (deadline.Elapsed > o.WorkerStartTimeout)
            {
                await StopWorkerAsync();
                throw new TimeoutException($"Worker #1 did not open gateway port {o.GatewayPort} within {o.WorkerStartTimeout}.");
            }

            await Task.Delay(200, cancellationToken);
        }

        logger.LogInformation("Worker #1 (pid {Pid}) is up after {Elapsed:0.0} s", _worker.Id, deadline.Elapsed.TotalSeconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => StopWorkerAsync();

    private async Task StopWorkerAsync()
    {
        if (_worker is not { } worker)
        {
            return;
        }

        _worker = null;
        using (worker)
        {
            if (worker.HasExited)
            {
                return;
            }

            // SIGTERM lets the silo leave the cluster cleanly; SIGKILL only if it hangs.
            _ = Kill(worker.Id, SigTerm);
            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await worker.WaitForExitAsync(grace.Token);
                logger.LogInformation("Worker #1 (pid {Pid}) stopped", worker.Id);
            }
            catch (OperationCanceledException)
            {
                logger.LogWarning("Worker #1 (pid {Pid}) ignored SIGTERM for {Grace}; killing it", worker.Id, StopGrace);
                worker.Kill(entireProcessTree: true);
                await worker.WaitForExitAsync(CancellationToken.None);
            }
        }
    }

    private ProcessStartInfo WorkerStartInfo(ClusterOptions o)
    {
        var path = o.WorkerPath ?? DefaultWorkerPath();
        var start = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? new ProcessStartInfo(DotnetHost()) { ArgumentList = { path } }
            : new ProcessStartInfo(path);
        start.UseShellExecute = false;
        start.WorkingDirectory = Directory.GetCurrentDirectory();
        string[] args =
        [
            "--Worker:Name=worker-1",
            $"--Worker:SiloPort={o.SiloPort}",
            $"--Worker:GatewayPort={o.GatewayPort}",
            $"--Worker:PrimarySiloPort={o.SiloPort}",
            $"--Worker:ClusterId={o.ClusterId}",
            $"--Worker:ServiceId={o.ServiceId}",
            $"--Worker:ParentProcessId={Environment.ProcessId}",
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // The worker runs the detector: hand it WebFront's detector settings.
        foreach (var setting in configuration.GetSection("Detector").AsEnumerable(makePathsRelative: false))
        {
            if (setting.Value is not null)
            {
                start.ArgumentList.Add($"--{setting.Key}={setting.Value}");
            }
        }

        return start;
    }

    private static string DefaultWorkerPath()
    {
        var folder = typeof(EmbeddedWorker).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "FaceMask.SiloBuildOutput")?.Value
            ?? throw new InvalidOperationException("Set Cluster:WorkerPath to the FaceMask.Silo program.");
        var apphost = Path.Combine(folder, "FaceMask.Silo");
        var dll = Path.Combine(folder, "FaceMask.Silo.dll");
        return File.Exists(apphost) ? apphost
            : File.Exists(dll) ? dll
            : throw new FileNotFoundException(
                $"The worker program was not found in {folder}. Build the solution, or set Cluster:WorkerPath.", apphost);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
