using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace FaceMask.WebFront.Cluster;

/// <summary>
/// The embedded default: when no worker of the cluster answers (no Active gateway in the cluster's SQLite
/// file accepts a connection), start worker #1 as a child process on that file before the Orleans client
/// connects, and stop it with WebFront. Worker #1 is not special once up: membership, grain state and
/// reminders live in the file, so the cluster outlives it.
/// </summary>
public sealed partial class EmbeddedWorker(
    IOptions<ClusterOptions> options, ClusterGateways gateways, IConfiguration configuration, ILogger<EmbeddedWorker> logger)
    : IHostedService
{
    private const int SigTerm = 15;
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Settings WebFront hands to worker #1: its detector, the fleet, metrics and scaler it hosts, and the cluster's
    /// reminder and membership timings (a scaler period under a minute needs the reminder minimum lowered).
    /// </summary>
    private static readonly string[] ForwardedSections = ["Detector", "Fleet", "WorkerMetrics", "Scaler", "Cluster:Reminders", "Cluster:Membership"];

    public const string FirstWorkerName = "worker-1";

    private readonly SemaphoreSlim _starting = new(1, 1);
    private Process? _worker;

    /// <summary>The worker this WebFront started, if any.</summary>
    public int? WorkerProcessId => _worker?.Id;

    /// <summary>
    /// Starts worker #1 when no worker answers: at start-up, and again when an administrator restarts a pool
    /// that was stopped. Calls one at a time.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _starting.WaitAsync(cancellationToken);
        try
        {
            await StartIfNoneAnswersAsync(cancellationToken);
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task StartIfNoneAnswersAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        // Only the embedded default brings its own worker; on MySQL the workers are services of their own.
        if (!o.StartWorker || o.Provider != ClusterProvider.Sqlite || await gateways.AnyAnswersAsync(_ => true, cancellationToken))
        {
            return;
        }

        // Rows of workers that died without a goodbye (kill -9, a crash) stay Active until the cluster
        // notices; worker #1 may even reuse such a row's gateway port.
        var stale = gateways.Active();

        var start = WorkerStartInfo(o);
        _worker?.Dispose();
        logger.LogInformation(
            "No worker of cluster {ClusterId} answers in {Database}; starting worker #1: {Program}",
            o.ClusterId, gateways.DatabasePath, start.FileName);
        _worker = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");

        // Its own row Active in the file, not merely a listening port (the gateway listens while the silo is
        // still joining): the client takes its gateways from the file.
        var deadline = Stopwatch.StartNew();
        while (!await gateways.AnyAnswersAsync(g => g.Endpoint.Port == o.GatewayPort && !stale.Contains(g), cancellationToken))
        {
            if (_worker.HasExited)
            {
                throw new InvalidOperationException(
                    $"Worker #1 exited with code {_worker.ExitCode} before its gateway on port {o.GatewayPort} became active; see its log above.");
            }

            if (deadline.Elapsed > o.WorkerStartTimeout)
            {
                await StopWorkerAsync();
                throw new TimeoutException($"Worker #1 did not become active on gateway port {o.GatewayPort} within {o.WorkerStartTimeout}.");
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
            $"--Worker:Name={FirstWorkerName}",
            $"--Worker:SiloPort={o.SiloPort}",
            $"--Worker:GatewayPort={o.GatewayPort}",
            $"--Worker:ClusterId={o.ClusterId}",
            $"--Worker:ServiceId={o.ServiceId}",
            $"--Worker:ParentProcessId={Environment.ProcessId}",
            $"--Cluster:Provider={o.Provider}",
            $"--Cluster:SqlitePath={gateways.DatabasePath}",
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Worker #1 runs the detector and may host the fleet: hand it those settings.
        foreach (var setting in ForwardedSections.SelectMany(name => configuration.GetSection(name).AsEnumerable(makePathsRelative: false)))
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

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
