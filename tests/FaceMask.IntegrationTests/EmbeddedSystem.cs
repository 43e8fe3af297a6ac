using System.Diagnostics;

namespace FaceMask.IntegrationTests;

/// <summary>
/// The embedded default as a user runs it: the real WebFront program on free ports, which finds no
/// silo and starts worker #1 itself. Its data (app database, blobs, the cluster's SQLite file) goes to a
/// temp folder of its own, never to the checkout's data/.
/// </summary>
public sealed class EmbeddedSystem : IAsyncLifetime
{
    private readonly IReadOnlyList<string> _settings;
    private readonly bool _ownsDataDirectory;
    private Process? _webFront;

    public EmbeddedSystem()
        : this([], null)
    {
    }

    private EmbeddedSystem(IReadOnlyList<string> settings, string? dataDirectory)
    {
        _settings = settings;
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "facemask-system-" + Guid.NewGuid().ToString("N"));
    }

    /// <param name="settings">Extra command-line settings (<c>--Fleet:InitialWorkers=3</c>, <c>--Admin:Username=...</c>).</param>
    /// <param name="dataDirectory">
    /// A data folder to run on (a restart of an earlier system); the caller then owns it and it is kept on dispose.
    /// </param>
    public static EmbeddedSystem With(IReadOnlyList<string> settings, string? dataDirectory = null) => new(settings, dataDirectory);

    public int HttpPort { get; } = Processes.FreePort();

    public int SiloPort { get; } = Processes.FreePort();

    public int GatewayPort { get; } = Processes.FreePort();

    public string DataDirectory { get; }

    /// <summary>The cluster's SQLite file: membership, grain state, reminders.</summary>
    public string SqlitePath => Path.Combine(DataDirectory, "orleans.db");

    public OutputLog Log { get; } = new();

    public HttpClient Http { get; private set; } = null!;

    public int WebFrontPid => _webFront!.Id;

    /// <summary>The worker processes started for this system (found by their unique gateway port).</summary>
    public IReadOnlyList<int> WorkerPids => Processes.WithCommandLine($"--Worker:GatewayPort={GatewayPort}");

    public async ValueTask InitializeAsync()
    {
        _webFront = Processes.Start(
            Processes.WebFrontProgram,
            [
                "--urls", $"http://127.0.0.1:{HttpPort}",
                $"--Cluster:SiloPort={SiloPort}",
                $"--Cluster:GatewayPort={GatewayPort}",
                $"--Cluster:SqlitePath={SqlitePath}",
                $"--Storage:DataDirectory={DataDirectory}",
                .. _settings,
            ],
            Log);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = TimeSpan.FromSeconds(60) };
        var healthy = await Processes.EventuallyAsync(IsHealthyAsync, TimeSpan.FromSeconds(120));
        if (!healthy)
        {
            throw new InvalidOperationException("The embedded system did not become healthy. Output:" + Environment.NewLine + Log);
        }
    }

    public async Task<bool> IsHealthyAsync()
    {
        if (_webFront is null || _webFront.HasExited)
        {
            return false;
        }

        try
        {
            using var response = await Http.GetAsync("/healthz");
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, as systemd or Ctrl+C would stop it; returns whether it exited in time.</summary>
    public async Task<bool> StopAsync(TimeSpan deadline)
    {
        if (_webFront is null || _webFront.HasExited)
        {
            return true;
        }

        Processes.Signal(_webFront.Id, "TERM");
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _webFront.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!await StopAsync(TimeSpan.FromSeconds(30)))
        {
            _webFront!.Kill(entireProcessTree: true);
        }

        foreach (var pid in WorkerPids)
        {
            Processes.Signal(pid, "KILL");
        }

        _webFront?.Dispose();
        if (!_ownsDataDirectory)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EmbeddedSystemCollection : ICollectionFixture<EmbeddedSystem>
{
    public const string Name = "embedded system";
}
