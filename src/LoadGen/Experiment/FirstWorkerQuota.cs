using System.Globalization;

namespace FaceMask.LoadGen.Experiment;

/// <summary>
/// Puts worker #1 under the same CPU quota as the workers the fleet starts. The fleet's local provisioner gives
/// each worker it launches a cgroup v1 <c>cpu</c> group with the quota, but worker #1 is started by WebFront (the
/// embedded default) and runs without one, so an experiment would otherwise have one worker with the machine's
/// every core. The group sits beside the provisioner's, under <c>/sys/fs/cgroup/cpu/facemask</c>, and is removed
/// once the process has left it.
/// </summary>
public sealed class FirstWorkerQuota : IDisposable
{
    private FirstWorkerQuota(string path) => GroupPath = path;

    public string GroupPath { get; }

    /// <summary>Moves <paramref name="pid"/> (all its threads) into a fresh group allowed <paramref name="cores"/> cores; throws when the cgroup is not writable.</summary>
    public static FirstWorkerQuota Apply(int pid, double cores, string cgroupRoot = "/sys/fs/cgroup/cpu")
    {
        var path = Path.Combine(cgroupRoot, "facemask", "experiment-" + Guid.NewGuid().ToString("N")[..12] + "-worker-1");
        try
        {
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "cpu.cfs_period_us"), "100000");
            File.WriteAllText(Path.Combine(path, "cpu.cfs_quota_us"), ((long)Math.Round(cores * 100_000)).ToString(CultureInfo.InvariantCulture));
            File.WriteAllText(Path.Combine(path, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
            if (!File.ReadLines(Path.Combine(path, "cgroup.procs")).Contains(pid.ToString(CultureInfo.InvariantCulture)))
            {
                throw new IOException($"Process {pid} is not in {path} after moving it there.");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryRemove(path);
            throw new InvalidOperationException(
                $"Could not put worker #1 (pid {pid}) under a {cores} core quota in {path}: {e.Message}. The experiment needs a writable cgroup v1 cpu controller (root).", e);
        }

        return new FirstWorkerQuota(path);
    }

    /// <summary>rmdir, which the kernel refuses while a process is still in the group: tried for a few seconds.</summary>
    public void Dispose()
    {
        for (var i = 0; i < 20 && Directory.Exists(GroupPath); i++)
        {
            if (TryRemove(GroupPath))
            {
                return;
            }

            Thread.Sleep(250);
        }
    }

    private static bool TryRemove(string path)
    {
        try
        {
            Directory.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return !Directory.Exists(path);
        }
    }
}
