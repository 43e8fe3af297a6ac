using System.Globalization;

namespace FaceMask.IntegrationTests.Fleet;

/// <summary>
/// The worker processes of one embedded system, found in /proc by its cluster file: worker #1 has the path on its
/// command line, workers the fleet launches get it through their environment (Cluster__SqlitePath).
/// </summary>
public static class ClusterProcesses
{
    private const string SiloProgram = "FaceMask.Silo";

    /// <summary>Live FaceMask.Silo processes whose command line or environment names <paramref name="sqlitePath"/>.</summary>
    public static IReadOnlyList<int> Of(string sqlitePath)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            var commandLine = Read(Path.Combine(dir, "cmdline"));
            if (commandLine is null || !commandLine.Contains(SiloProgram, StringComparison.Ordinal) || IsZombie(pid))
            {
                continue;
            }

            if (commandLine.Contains(sqlitePath, StringComparison.Ordinal)
                || Read(Path.Combine(dir, "environ"))?.Contains(sqlitePath, StringComparison.Ordinal) == true)
            {
                found.Add(pid);
            }
        }

        return found;
    }

    /// <summary>The live process of worker #1 (the one WebFront starts) of this system, if any.</summary>
    public static int? FirstWorker(string sqlitePath) =>
        Of(sqlitePath).Cast<int?>().FirstOrDefault(pid => Read($"/proc/{pid}/cmdline")?.Contains("--Worker:Name=worker-1\0", StringComparison.Ordinal) == true);

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}") && !IsZombie(pid);

    /// <summary><c>kill -9</c> of every worker left, so that a failed test does not leave processes behind.</summary>
    public static void KillAll(string sqlitePath)
    {
        foreach (var pid in Of(sqlitePath))
        {
            Processes.Signal(pid, "KILL");
        }
    }

    private static bool IsZombie(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        return stat is null || stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // gone meanwhile, or not ours to read
        }
    }
}
