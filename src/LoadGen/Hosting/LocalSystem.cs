using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.Json;
using FaceMask.LoadGen.Requests;

namespace FaceMask.LoadGen.Hosting;

/// <summary>How to start the embedded default for a load run.</summary>
public sealed record LocalSystemOptions
{
    /// <summary><c>Fleet:InitialWorkers</c>: workers the fresh system starts with.</summary>
    public int Workers { get; init; } = 1;

    /// <summary>Extra WebFront settings, e.g. <c>--Fleet:Local:CpuQuotaCores=0.5</c>.</summary>
    public IReadOnlyList<string> Settings { get; init; } = [];

    /// <summary>
    /// Extra environment variables of WebFront, e.g. <c>Scaler__Period</c>. Its workers inherit them (worker #1 and every
    /// worker the fleet starts), unlike settings on the command line, which reach only what each parent forwards.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The WebFront program; by default the build of this checkout in this program's configuration.</summary>
    public string? WebFrontPath { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(3);
}

/// <summary>
/// The embedded default started for a load run: the real WebFront program on free ports with its data in a
/// fresh temporary folder, which starts worker #1 and the fleet the rest. An administrator with a random
/// password is bootstrapped for the manager API. Disposing stops every process of it and deletes the folder.
/// </summary>
public sealed class LocalSystem : IAsyncDisposable
{
    private readonly Process _webFront;
    private readonly BoundedLog _log;

    private LocalSystem(Process webFront, BoundedLog log, Uri baseAddress, string dataDirectory, Credentials admin)
    {
        _webFront = webFront;
        _log = log;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
        Admin = admin;
    }

    public Uri BaseAddress { get; }

    /// <summary>App data, blobs and the cluster's SQLite file; unique to this system, so it also marks its processes.</summary>
    public string DataDirectory { get; }

    public Credentials Admin { get; }

    public int WebFrontPid => _webFront.Id;

    /// <summary>The last lines WebFront and its worker #1 wrote.</summary>
    public string RecentOutput => _log.ToString();

    public static async Task<LocalSystem> StartAsync(LocalSystemOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var program = options.WebFrontPath ?? DefaultWebFrontPath();
        if (!File.Exists(program))
        {
            throw new FileNotFoundException($"The WebFront program {program} does not exist: build src/WebFront first.", program);
        }

        var root = RepoPaths.FindRepoRoot() ?? Directory.GetCurrentDirectory();
        var data = Path.Combine(Path.GetTempPath(), "facemask-load-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        var port = FreePort();
        var admin = new Credentials("loadgen-admin", Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        var start = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        string[] arguments =
        [
            "--urls", $"http://127.0.0.1:{port}",
            $"--Cluster:SiloPort={FreePort()}",
            $"--Cluster:GatewayPort={FreePort()}",
            $"--Cluster:SqlitePath={Path.Combine(data, "orleans.db")}",
            $"--Storage:DataDirectory={data}",
            $"--Fleet:InitialWorkers={options.Workers}",
            .. options.Settings,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in options.Environment)
        {
            start.Environment[name] = value;
        }

        // The password goes through the environment, not the command line other users can read in /proc.
        start.Environment["Admin__Username"] = admin.Username;
        start.Environment["Admin__Password"] = admin.Password;
        var log = new BoundedLog(300);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + program);
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var system = new LocalSystem(process, log, new Uri($"http://127.0.0.1:{port}"), data, admin);
        try
        {
            if (!await system.WaitForWorkersAsync(options.Workers, options.StartTimeout, cancellationToken))
            {
                throw new TimeoutException(
                    $"The local system did not have {options.Workers} active worker(s) within {options.StartTimeout}. Output:"
                    + Environment.NewLine + log);
            }
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }

        return system;
    }

    /// <summary>Polls <c>/healthz</c> until it reports at least <paramref name="count"/> active workers.</summary>
    public async Task<bool> WaitForWorkersAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_webFront.HasExited)
            {
                throw new InvalidOperationException($"WebFront exited with code {_webFront.ExitCode}. Output:" + Environment.NewLine + _log);
            }

            if (await ActiveWorkersAsync(http, cancellationToken) >= count)
            {
                return true;
            }

            await Task.Delay(250, cancellationToken);
        }

        return false;
    }

    private static async Task<int> ActiveWorkersAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("/healthz", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return 0;
            }

            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            return json.RootElement.GetProperty("payload").GetProperty("workers").GetInt32();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException { InnerException: TimeoutException } or JsonException or KeyNotFoundException)
        {
            return 0;
        }
    }

    /// <summary>WebFront and every worker of this system (found by the data folder on their command line or in their environment).</summary>
    public IReadOnlyList<SystemProcess> Processes()
    {
        var found = new List<SystemProcess>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                var environ = pid == _webFront.Id ? "" : File.ReadAllText(Path.Combine(dir, "environ"));
                if (pid == _webFront.Id || cmdline.Contains(DataDirectory, StringComparison.Ordinal) || environ.Contains(DataDirectory, StringComparison.Ordinal))
                {
                    var name = pid == _webFront.Id ? "WebFront" : WorkerName(cmdline, environ);
                    found.Add(new SystemProcess(pid, name));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked, or not ours to read.
            }
        }

        return found;
    }

    private static string WorkerName(string cmdline, string environ)
    {
        const string Marker = "--Worker:Name=";
        var at = cmdline.IndexOf(Marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            var rest = cmdline[(at + Marker.Length)..];
            return rest.Split(' ')[0];
        }

        return environ.Contains("Worker__Name=", StringComparison.Ordinal) ? "worker" : "worker-1";
    }

    public async ValueTask DisposeAsync()
    {
        var others = Processes().Where(p => p.Pid != _webFront.Id).ToList();
        if (!_webFront.HasExited)
        {
            using (var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", _webFront.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                await term!.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _webFront.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _webFront.Kill(entireProcessTree: true);
            }
        }

        // Workers stop by themselves once WebFront is gone; any left over after a failed start are ended here.
        foreach (var p in others)
        {
            try
            {
                using var process = Process.GetProcessById(p.Pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
            }
        }

        _webFront.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string DefaultWebFrontPath()
    {
        var root = RepoPaths.FindRepoRoot()
            ?? throw new InvalidOperationException("FaceMask.sln was not found above the working directory: cannot find the WebFront build.");
        var configuration = typeof(LocalSystem).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(root, "src", "WebFront", "bin", configuration, "net10.0", "FaceMask.WebFront");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A process of a <see cref="LocalSystem"/>: WebFront or a worker.</summary>
public sealed record SystemProcess(int Pid, string Name);

/// <summary>The last lines of a child's output.</summary>
internal sealed class BoundedLog(int capacity)
{
    private readonly Queue<string> _lines = new();

    public void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity)
            {
                _lines.Dequeue();
            }
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            return string.Join(Environment.NewLine, _lines);
        }
    }
}
