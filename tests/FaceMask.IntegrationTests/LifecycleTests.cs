using System.Text.Json;

namespace FaceMask.IntegrationTests;

/// <summary>Starting and stopping the embedded default as an operator would, with real processes.</summary>
public sealed class LifecycleTests
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SigtermStopsWebFrontAndTheWorkerItStarted()
    {
        await using var system = new EmbeddedSystem();
        await system.InitializeAsync();
        Assert.Single(system.WorkerPids);

        Assert.True(await system.StopAsync(ExitDeadline), "WebFront did not exit after SIGTERM:\n" + system.Log);

        Assert.True(
            await Processes.EventuallyAsync(() => Task.FromResult(system.WorkerPids.Count == 0), ExitDeadline),
            "the worker outlived WebFront:\n" + system.Log);
        Assert.Contains("Worker #1 (pid", system.Log.ToString());
    }

    [Fact]
    public async Task WorkerStopsWhenWebFrontIsKilledWithoutWarning()
    {
        await using var system = new EmbeddedSystem();
        await system.InitializeAsync();
        Assert.Single(system.WorkerPids);

        Processes.Signal(system.WebFrontPid, "KILL");

        Assert.True(
            await Processes.EventuallyAsync(() => Task.FromResult(system.WorkerPids.Count == 0), ExitDeadline),
            "the worker became an orphan:\n" + system.Log);
    }

    [Fact]
    public async Task SiloStartedOnItsOwnJoinsThroughTheClusterFileTakesDetectionsAndLeavesOnSigterm()
    {
        await using var system = new EmbeddedSystem();
        await system.InitializeAsync();
        var log = new OutputLog();
        // Nothing but the cluster's file: the worker finds the cluster, and WebFront finds the worker, there.
        using var second = Processes.Start(
            Processes.SiloProgram,
            [
                "--Worker:Name=worker-2",
                "--Worker:SiloPort=0",
                "--Worker:GatewayPort=0",
                $"--Cluster:SqlitePath={system.SqlitePath}",
            ],
            log);
        try
        {
            Assert.True(
                await Processes.EventuallyAsync(async () => await ActiveWorkersAsync(system) == 2, TimeSpan.FromSeconds(90)),
                "the second silo did not join:\n" + log);
            // WebFront finds the new gateway in the file (refreshed every 10 s) and sends it detections.
            Assert.True(
                await Processes.EventuallyAsync(async () => await DetectingWorkerAsync(system) == "worker-2", TimeSpan.FromSeconds(30)),
                "no detection ran on the second silo");

            Processes.Signal(second.Id, "TERM");

            Assert.True(second.WaitForExit(ExitDeadline), "the second silo did not stop:\n" + log);
            Assert.True(
                await Processes.EventuallyAsync(async () => await ActiveWorkersAsync(system) == 1, TimeSpan.FromSeconds(60)),
                "the cluster still counts the stopped silo");
        }
        finally
        {
            if (!second.HasExited)
            {
                second.Kill();
            }
        }
    }

    [Fact]
    public async Task WorkerWithoutItsModelRefusesToStartAndSaysWhereItLooked()
    {
        var log = new OutputLog();
        var folder = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}");
        var missing = Path.Combine(folder, "face_mask_detection.onnx");
        using var silo = Processes.Start(
            Processes.SiloProgram,
            [
                $"--Detector:ModelPath={missing}",
                $"--Worker:SiloPort={Processes.FreePort()}",
                $"--Worker:GatewayPort={Processes.FreePort()}",
                $"--Cluster:SqlitePath={Path.Combine(folder, "orleans.db")}",
            ],
            log);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains(missing, log.ToString());
        Assert.Contains("Detector:ModelPath", log.ToString());
        // It stopped before joining: the cluster's file was never even created.
        Assert.False(Directory.Exists(folder));
    }

    private static async Task<string?> DetectingWorkerAsync(EmbeddedSystem system)
    {
        var (status, body) = await ApiClient.PostAsync(system.Http, "/api/cpuTest", ApiClient.PhotoForm(BadImages.Demo2Jpeg, "demo2.jpg"));
        return status == 200 ? body.GetProperty("payload").GetProperty("worker").GetString() : null;
    }

    private static async Task<int> ActiveWorkersAsync(EmbeddedSystem system)
    {
        using var response = await system.Http.GetAsync("/healthz");
        if (!response.IsSuccessStatusCode)
        {
            return 0;
        }

        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.GetProperty("payload").GetProperty("workers").GetInt32();
    }
}
