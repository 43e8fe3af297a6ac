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
    public async Task SiloStartedOnItsOwnJoinsTheClusterAndLeavesOnSigterm()
    {
        await using var system = new EmbeddedSystem();
        await system.InitializeAsync();
        var log = new OutputLog();
        var gateway = Processes.FreePort();
        using var second = Processes.Start(
            Processes.SiloProgram,
            [
                "--Worker:Name=worker-2",
                $"--Worker:SiloPort={Processes.FreePort()}",
                $"--Worker:GatewayPort={gateway}",
                $"--Worker:PrimarySiloPort={system.SiloPort}",
            ],
            log);
        try
        {
            Assert.True(
                await Processes.EventuallyAsync(async () => await ActiveWorkersAsync(system) == 2, TimeSpan.FromSeconds(90)),
                "the second silo did not join:\n" + log);

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
        var missing = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid():N}", "face_mask_detection.onnx");
        using var silo = Processes.Start(
            Processes.SiloProgram,
            [
                $"--Detector:ModelPath={missing}",
                $"--Worker:SiloPort={Processes.FreePort()}",
                $"--Worker:GatewayPort={Processes.FreePort()}",
            ],
            log);

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.WaitForExitAsync(timeout.Token);

        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains(missing, log.ToString());
        Assert.Contains("Detector:ModelPath", log.ToString());
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
