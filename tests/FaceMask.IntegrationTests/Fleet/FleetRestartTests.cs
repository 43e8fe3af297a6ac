using FaceMask.Grains.Diagnostics;
using Microsoft.Data.Sqlite;

namespace FaceMask.IntegrationTests.Fleet;

/// <summary>
/// Stopping the embedded default (SIGTERM to WebFront) with a fleet of three, then starting it again on the same
/// cluster file and data folder: no worker outlives the stop, and the restart finds its worker set and grain state.
/// </summary>
[Trait("Category", "Fleet")]
public sealed class FleetRestartTests
{
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(30);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task StoppedSystemLeavesNoWorkerBehindAndItsRestartKeepsTheWorkerSetAndGrainState()
    {
        var folder = Path.Combine(Path.GetTempPath(), "facemask-fleet-restart-" + Guid.NewGuid().ToString("N"));
        try
        {
            IReadOnlyList<WorkerView> before;
            var probeKey = Random.Shared.NextInt64(1, long.MaxValue);
            var probeValue = "kept across a restart " + probeKey;
            await using (var first = FleetSystem.On(folder))
            {
                await first.InitializeAsync();
                before = await first.WaitForRunningAsync();
                var record = await OwnClusterClient.CallAsync(first.System.SqlitePath, c => c.GetGrain<IStorageProbeGrain>(probeKey).WriteAsync(probeValue));
                Assert.Equal(1, record.Writes);
                var workers = ClusterProcesses.Of(first.System.SqlitePath);
                Assert.Equal(FleetSystem.Workers, workers.Count);

                Assert.True(await first.System.StopAsync(ExitDeadline), "WebFront did not exit after SIGTERM:\n" + first.System.Log);

                var gone = await Processes.EventuallyAsync(() => Task.FromResult(ClusterProcesses.Of(first.System.SqlitePath).Count == 0), ExitDeadline);
                Assert.True(gone, $"workers outlived WebFront: pids {string.Join(", ", ClusterProcesses.Of(first.System.SqlitePath))} of {string.Join(", ", workers)}\n{first.System.Log}");
            }

            await using var second = FleetSystem.On(folder);
            await second.InitializeAsync();
            // The stored worker set reads Running until the fleet's first ticks find those processes gone.
            var launched = before.Where(w => w.Pid is not null).Select(w => w.Id).ToHashSet();
            var after = await second.WaitForRunningAsync(also: running => !running.Any(w => launched.Contains(w.Id)));
            var all = await second.Manager.WorkersAsync();
            var kept = await OwnClusterClient.CallAsync(second.System.SqlitePath, c => c.GetGrain<IStorageProbeGrain>(probeKey).ReadAsync());

            Output?.WriteLine("before: " + string.Join(", ", before.Select(w => $"{w.Name} {w.State}")));
            Output?.WriteLine("after:  " + string.Join(", ", all.Select(w => $"{w.Name} {w.State} ({w.Detail})")));
            Assert.Equal(FleetSystem.Workers, after.Count);
            // The launched workers of the first run are in the fleet's history, replaced by new ones: the fleet's
            // numbering went on from its stored state instead of starting over.
            foreach (var old in before.Where(w => launched.Contains(w.Id)))
            {
                Assert.Contains(all, w => w.Id == old.Id && w.State is "Failed" or "Terminated");
            }

            var highestBefore = before.Max(w => Number(w.Name));
            Assert.All(after.Where(w => w.Name != "worker-1"), w => Assert.True(Number(w.Name) > highestBefore, $"{w.Name} reuses a number"));
            Assert.Equal(probeValue, kept.Value);
            Assert.Equal(1, kept.Writes);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static int Number(string name) => int.Parse(name["worker-".Length..], System.Globalization.CultureInfo.InvariantCulture);
}
