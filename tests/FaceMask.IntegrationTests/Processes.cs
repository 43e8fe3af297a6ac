using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace FaceMask.IntegrationTests;

/// <summary>Paths of the checkout under test and helpers for the real processes the tests start.</summary>
public static class Processes
{
    public static string RepoRoot { get; } = typeof(Processes).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FaceMask.RepoRoot").Value!;

    private static string Configuration { get; } =
        typeof(Processes).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static string WebFrontProgram => Path.Combine(RepoRoot, "src", "WebFront", "bin", Configuration, "net10.0", "FaceMask.WebFront");

    public static string SiloProgram => Path.Combine(RepoRoot, "src", "Silo", "bin", Configuration, "net10.0", "FaceMask.Silo");

    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a program with its output captured into <paramref name="log"/>.</summary>
    public static Process Start(string program, IEnumerable<string> args, OutputLog log)
    {
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + program);
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Sends a POSIX signal (TERM, KILL) as an operator would.</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString()]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>Process ids whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> WithCommandLine(string marker)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return await condition();
    }
}

/// <summary>Thread-safe capture of a child's output, shown when a test fails.</summary>
public sealed class OutputLog
{
    private readonly List<string> _lines = [];

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    /// <summary>Whether any line so far contains <paramref name="text"/> (the whole log, not just its tail).</summary>
    public bool Contains(string text)
    {
        lock (_lines)
        {
            return _lines.Any(line => line.Contains(text, StringComparison.OrdinalIgnoreCase));
        }
    }

    /// <summary>How many lines so far contain <paramref name="text"/>.</summary>
    public int Count(string text)
    {
        lock (_lines)
        {
            return _lines.Count(line => line.Contains(text, StringComparison.OrdinalIgnoreCase));
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines.TakeLast(200));
        }
    }
}
