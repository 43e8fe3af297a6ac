using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Fleet.Local;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FaceMask.Tests.Fleet;

/// <summary>
/// The local provisioner's process mechanics, with a shell loop standing in for the Silo program (tests never start
/// real workers) and a temporary folder standing in for the cgroup v1 cpu controller.
/// </summary>
public sealed class LocalWorkerProvisionerTests : IDisposable
{
    private readonly string _cgroupRoot = Directory.CreateTempSubdirectory("facemask-cgroup-").FullName;
    private readonly List<(LocalWorkerProvisioner Provisioner, WorkerInstance Instance)> _started = [];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartsAWorkerWithItsOwnSettingsOnTheCommandLineAndTheSharedOnesInItsEnvironment()
    {
        var provisioner = NewProvisioner();
        var launch = NewLaunch();

        var instance = await StartAsync(provisioner, launch);

        var pid = Pid(instance);
        Assert.True(await provisioner.IsAliveAsync(instance, Cancellation));
        Assert.Equal("127.0.0.1", instance.Address);
        Assert.NotEqual(instance.SiloPort, instance.GatewayPort);
        Assert.InRange(instance.SiloPort, 1, 65535);
        var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
        Assert.Contains($"--Worker:Id={launch.WorkerId}", arguments);
        Assert.Contains($"--Worker:Name={launch.Name}", arguments);
        Assert.Contains($"--Worker:SiloPort={instance.SiloPort}", arguments);
        var environment = File.ReadAllText($"/proc/{pid}/environ").Split('\0');
        Assert.Contains("Cluster__SqlitePath=/tmp/facemask-test.db", environment);
        Assert.Contains("Worker__ParentProcessId=4242", environment);
        Assert.DoesNotContain(environment, e => e.StartsWith("Worker__Name=", StringComparison.Ordinal));
        Assert.False(instance.CpuQuotaActive);
    }

    [Fact]
    public async Task StartingTheSameWorkerAgainFindsTheRunningProcess()
    {
        var launch = NewLaunch();
        var first = await StartAsync(NewProvisioner(), launch);

        // Another silo's provisioner, as after the fleet grain moved.
        var again = await NewProvisioner().StartAsync(launch, Cancellation);

        Assert.Equal(first, again);
    }

    [Fact]
    public async Task AGracefulStopEndsTheWorker()
    {
        var provisioner = NewProvisioner();
        var instance = await StartAsync(provisioner, NewLaunch());

        await provisioner.StopAsync(instance, TimeSpan.FromSeconds(10), Cancellation);

        await Eventually.UntilAsync(() => provisioner.IsAliveAsync(instance, Cancellation), alive => !alive, "the worker to exit after SIGTERM");
    }

    [Fact]
    public async Task AZeroGraceKillsTheWorkerAndAFreshProvisionerSeesItGone()
    {
        var provisioner = NewProvisioner();
        var instance = await StartAsync(provisioner, NewLaunch());

        await provisioner.StopAsync(instance, TimeSpan.Zero, Cancellation);

        await Eventually.UntilAsync(() => NewProvisioner().IsAliveAsync(instance, Cancellation), alive => !alive, "the worker to be killed");
    }

    [Fact]
    public async Task AWorkerWithoutAnInstanceIdIsNeitherJudgedNorFoundWithoutAListener()
    {
        var provisioner = NewProvisioner();
        var adopted = new WorkerInstance("worker-1", "worker-1", null, "127.0.0.1", 1, 2);

        Assert.True(await provisioner.IsAliveAsync(adopted, Cancellation));
        await provisioner.StopAsync(adopted, TimeSpan.FromSeconds(1), Cancellation);
    }

    [Fact]
    public void FindsTheProcessListeningOnAPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        Assert.Equal(Environment.ProcessId, ProcFs.ListenerOf(((IPEndPoint)listener.LocalEndpoint).Port));
    }

    [Fact]
    public async Task ACpuQuotaIsWrittenToTheWorkersCgroupAndAnnouncedToTheWorker()
    {
        var provisioner = NewProvisioner(quota: 0.5);
        var launch = NewLaunch();

        var instance = await StartAsync(provisioner, launch);

        var cgroup = Path.Combine(_cgroupRoot, "facemask", launch.WorkerId);
        Assert.True(instance.CpuQuotaActive);
        Assert.Equal("100000", File.ReadAllText(Path.Combine(cgroup, "cpu.cfs_period_us")));
        Assert.Equal("50000", File.ReadAllText(Path.Combine(cgroup, "cpu.cfs_quota_us")));
        Assert.Equal(Pid(instance).ToString(CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(cgroup, "cgroup.procs")));
        Assert.Contains("--WorkerMetrics:CpuCores=0.5", File.ReadAllText($"/proc/{Pid(instance)}/cmdline").Split('\0'));
    }

    [Fact]
    public async Task StartingAWorkerWithAQuotaRemovesTheEmptyGroupsOfWorkersLongGone()
    {
        var folder = Path.Combine(_cgroupRoot, "facemask");
        var gone = Directory.CreateDirectory(Path.Combine(folder, "worker-3-gone00")).FullName;
        Directory.SetLastWriteTimeUtc(gone, DateTime.UtcNow.AddMinutes(-5));
        var justMade = Directory.CreateDirectory(Path.Combine(folder, "worker-4-new000")).FullName;

        await StartAsync(NewProvisioner(quota: 0.5), NewLaunch());

        Assert.False(Directory.Exists(gone));
        Assert.True(Directory.Exists(justMade));
    }

    [Fact]
    public async Task WithoutAWritableCgroupTheWorkerRunsWithoutAQuota()
    {
        var provisioner = NewProvisioner(quota: 0.5, cgroupRoot: "/proc/facemask-no-such-cgroup");

        var instance = await StartAsync(provisioner, NewLaunch());

        Assert.False(instance.CpuQuotaActive);
        Assert.DoesNotContain(File.ReadAllText($"/proc/{Pid(instance)}/cmdline").Split('\0'), a => a.StartsWith("--WorkerMetrics:CpuCores", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        foreach (var (provisioner, instance) in _started)
        {
            provisioner.StopAsync(instance, TimeSpan.Zero, CancellationToken.None).GetAwaiter().GetResult();
            provisioner.Dispose();
        }

        Directory.Delete(_cgroupRoot, recursive: true);
    }

    [Fact]
    public void HandsTheScalerAndReminderSettingsToEveryWorkerSinceAnyOfThemMayHostTheScaler()
    {
        using var provisioner = NewProvisioner();

        var start = provisioner.StartInfo(NewLaunch(), 11111, 30000, null);

        Assert.Equal("00:00:10", start.Environment["Scaler__Period"]);
        Assert.Equal("00:00:01", start.Environment["Cluster__Reminders__MinimumReminderPeriod"]);
    }

    private async Task<WorkerInstance> StartAsync(LocalWorkerProvisioner provisioner, WorkerLaunch launch)
    {
        var instance = await provisioner.StartAsync(launch, Cancellation);
        _started.Add((provisioner, instance));
        return instance;
    }

    private LocalWorkerProvisioner NewProvisioner(double? quota = null, string? cgroupRoot = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:SqlitePath"] = "/tmp/facemask-test.db",
            ["Worker:ParentProcessId"] = "4242",
            ["Worker:Name"] = "the-parents-name",
            ["Scaler:Period"] = "00:00:10",
            ["Cluster:Reminders:MinimumReminderPeriod"] = "00:00:01",
        }).Build();
        var options = new LocalProvisionerOptions
        {
            WorkerPath = "/bin/sh",
            // A loop, not exec: the shell keeps the worker's arguments on its command line, and SIGTERM ends it.
            WorkerArguments = ["-c", "while :; do sleep 0.2; done", "fake-worker"],
            CpuQuotaCores = quota,
            CgroupRoot = cgroupRoot ?? _cgroupRoot,
        };
        return new LocalWorkerProvisioner(Options.Create(options), configuration, NullLogger<LocalWorkerProvisioner>.Instance);
    }

    private static WorkerLaunch NewLaunch()
    {
        var id = "worker-7-" + Guid.NewGuid().ToString("N")[..6];
        return new WorkerLaunch(id, "worker-7");
    }

    private static int Pid(WorkerInstance instance) => int.Parse(instance.InstanceId!.Split(':')[0], CultureInfo.InvariantCulture);
}
