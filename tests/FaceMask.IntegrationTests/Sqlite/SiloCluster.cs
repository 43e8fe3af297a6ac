using System.Diagnostics;
using FaceMask.WebFront.Cluster;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace FaceMask.IntegrationTests.Sqlite;

/// <summary>
/// Real FaceMask.Silo processes on one temp SQLite file (free ports, the program's own defaults otherwise)
/// and Orleans clients in the test process that find them through the same file, as WebFront does.
/// </summary>
public sealed class SiloCluster : IAsyncDisposable
{
    private readonly Dictionary<string, (Process Process, OutputLog Log)> _silos = [];
    private readonly List<IHost> _clients = [];

    public SiloCluster()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Gateways = new ClusterGateways(DatabasePath, ClusterId);
    }

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "facemask-silos-" + Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Directory, "orleans.db");

    public string ClusterId { get; } = "it-" + Guid.NewGuid().ToString("N")[..8];

    public ClusterGateways Gateways { get; }

    /// <summary>Starts a silo process named <paramref name="name"/>; ports are left to the silo (0 = free).</summary>
    public void Start(string name)
    {
        var log = new OutputLog();
        var process = Processes.Start(
            Processes.SiloProgram,
            [
                $"--Worker:Name={name}",
                "--Worker:SiloPort=0",
                "--Worker:GatewayPort=0",
                $"--Worker:ClusterId={ClusterId}",
                $"--Worker:ServiceId={ClusterId}",
                $"--Cluster:SqlitePath={DatabasePath}",
                // Reminders every second instead of every minute; failure detection stays the product's default.
                "--Cluster:Reminders:MinimumReminderPeriod=00:00:01",
            ],
            log);
        _silos[name] = (process, log);
    }

    /// <summary>Waits until exactly these silos are Active in the file and their processes run.</summary>
    public async Task WaitForActiveAsync(params string[] names)
    {
        var ok = await Processes.EventuallyAsync(
            () => Task.FromResult(ActiveSilos().Order().SequenceEqual(names.Order())),
            TimeSpan.FromSeconds(90));
        Assert.True(ok, $"expected active {string.Join(", ", names)}, found {string.Join(", ", ActiveSilos())}\n{Logs()}");
    }

    /// <summary>Silo names with an Active row in the file.</summary>
    public IReadOnlyList<string> ActiveSilos() => Query("SELECT SiloName FROM OrleansMembershipTable WHERE DeploymentId = $cluster AND Status = 3");

    /// <summary>The status of <paramref name="name"/>'s latest row (3 Active, 6 Dead).</summary>
    public int StatusOf(string name) => int.Parse(Query(
        "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = $cluster AND SiloName = $name ORDER BY Generation DESC LIMIT 1",
        ("$name", name)).Single(), System.Globalization.CultureInfo.InvariantCulture);

    public int ProcessId(string name) => _silos[name].Process.Id;

    /// <summary><c>kill -9</c>: no goodbye to the cluster.</summary>
    public void Kill(string name)
    {
        var process = _silos[name].Process;
        Processes.Signal(process.Id, "KILL");
        process.WaitForExit();
    }

    /// <summary>SIGTERM, as an operator stops a worker; the silo leaves the cluster cleanly.</summary>
    public async Task StopAsync(string name)
    {
        var process = _silos[name].Process;
        Processes.Signal(process.Id, "TERM");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>An Orleans client that takes its gateways from the file.</summary>
    public async Task<IClusterClient> ConnectAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = ClusterGateways.Invariant;
                o.ConnectionString = Gateways.ConnectionString;
            });
            client.Configure<Orleans.Configuration.ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
        });
        var host = builder.Build();
        await host.StartAsync();
        _clients.Add(host);
        return host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>Whether any silo's output so far contains <paramref name="text"/>.</summary>
    public bool AnyLogContains(string text) => _silos.Values.Any(s => s.Log.Contains(text));

    public string Logs() => string.Join(
        Environment.NewLine,
        _silos.Select(s => $"----- {s.Key} (pid {s.Value.Process.Id}) -----{Environment.NewLine}{s.Value.Log}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await client.StopAsync(timeout.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or OrleansException)
            {
                // Its silos may be gone already.
            }

            client.Dispose();
        }

        foreach (var (process, _) in _silos.Values)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private List<string> Query(string sql, params (string Name, object Value)[] parameters)
    {
        if (!File.Exists(DatabasePath))
        {
            return [];
        }

        try
        {
            using var db = new SqliteConnection(Gateways.ConnectionString);
            db.Open();
            using var command = db.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$cluster", ClusterId);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            using var reader = command.ExecuteReader();
            var values = new List<string>();
            while (reader.Read())
            {
                values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
            }

            return values;
        }
        catch (SqliteException)
        {
            // The first silo is still installing the schema.
            return [];
        }
    }
}
