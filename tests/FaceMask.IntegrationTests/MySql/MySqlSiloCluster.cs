using System.Diagnostics;
using FaceMask.IntegrationTests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace FaceMask.IntegrationTests.MySql;

/// <summary>
/// Real FaceMask.Silo processes with <c>Cluster:Provider=MySql</c> on a database of their own (free ports,
/// the program's own defaults otherwise), and Orleans clients in the test process that find them through
/// the same database, as WebFront does. The connection string goes through the environment, as a service
/// would get it, not the command line.
/// </summary>
public sealed class MySqlSiloCluster : IAsyncDisposable
{
    public const string Invariant = "MySql.Data.MySqlConnector";

    private readonly Dictionary<string, (Process Process, OutputLog Log)> _processes = [];
    private readonly List<IHost> _clients = [];

    private MySqlSiloCluster(MySqlTestDatabase database) => Database = database;

    public MySqlTestDatabase Database { get; }

    public string ClusterId { get; } = "it-" + Guid.NewGuid().ToString("N")[..8];

    public static async Task<MySqlSiloCluster> CreateAsync() => new(await MySqlTestDatabase.CreateAsync());

    /// <summary>Starts a silo process named <paramref name="name"/>.</summary>
    public void Start(string name) => StartProgram(
        name,
        Processes.SiloProgram,
        [
            $"--Worker:Name={name}",
            "--Worker:SiloPort=0",
            "--Worker:GatewayPort=0",
            $"--Worker:ClusterId={ClusterId}",
            $"--Worker:ServiceId={ClusterId}",
            "--Cluster:Provider=MySql",
            // Reminders every second instead of every minute; failure detection stays the product's default.
            "--Cluster:Reminders:MinimumReminderPeriod=00:00:01",
        ]);

    /// <summary>Starts any program (the Silo's db command, WebFront) with the cluster's connection string in its environment.</summary>
    public Process StartProgram(string name, string program, IEnumerable<string> args)
    {
        var log = new OutputLog();
        var info = new ProcessStartInfo(program)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Processes.RepoRoot,
        };
        info.Environment["ConnectionStrings__Cluster"] = Database.ConnectionString;
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start " + program);
        process.OutputDataReceived += (_, e) => log.Add(e.Data);
        process.ErrorDataReceived += (_, e) => log.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes[name] = (process, log);
        return process;
    }

    /// <summary>Waits until exactly these silos are Active in the database.</summary>
    public async Task WaitForActiveAsync(params string[] names)
    {
        var ok = await Processes.EventuallyAsync(
            async () => (await ActiveSilosAsync()).Order().SequenceEqual(names.Order()),
            TimeSpan.FromSeconds(90));
        Assert.True(ok, $"expected active {string.Join(", ", names)}, found {string.Join(", ", await ActiveSilosAsync())}\n{Logs()}");
    }

    /// <summary>Silo names with an Active row.</summary>
    public async Task<List<string>> ActiveSilosAsync()
    {
        try
        {
            return await Database.QueryAsync(
                "SELECT SiloName FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND Status = 3",
                r => r.GetString(0),
                ("cluster", ClusterId));
        }
        catch (MySqlConnector.MySqlException)
        {
            // The first silo is still installing the schema.
            return [];
        }
    }

    /// <summary>The status of <paramref name="name"/>'s latest row (3 Active, 6 Dead).</summary>
    public async Task<int> StatusOfAsync(string name) => Assert.Single(await Database.QueryAsync(
        "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @cluster AND SiloName = @name ORDER BY Generation DESC LIMIT 1",
        r => r.GetInt32(0),
        ("cluster", ClusterId),
        ("name", name)));

    /// <summary><c>kill -9</c>: no goodbye to the cluster.</summary>
    public void Kill(string name)
    {
        var process = _processes[name].Process;
        Processes.Signal(process.Id, "KILL");
        process.WaitForExit();
    }

    /// <summary>An Orleans client that takes its gateways from the database.</summary>
    public async Task<IClusterClient> ConnectAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.UseAdoNetClustering(o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = Database.ConnectionString;
            });
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ClusterId));
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(2));
        });
        var host = builder.Build();
        await host.StartAsync();
        _clients.Add(host);
        return host.Services.GetRequiredService<IClusterClient>();
    }

    public string Logs() => string.Join(
        Environment.NewLine,
        _processes.Select(s => $"----- {s.Key} (pid {s.Value.Process.Id}) -----{Environment.NewLine}{s.Value.Log}"));

    public string LogOf(string name) => _processes[name].Log.ToString();

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

        foreach (var (process, _) in _processes.Values)
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }

        await Database.DisposeAsync();
    }
}
