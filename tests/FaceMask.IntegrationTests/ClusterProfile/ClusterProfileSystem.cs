using System.Diagnostics;
using System.Net;
using FaceMask.IntegrationTests.MySql;
using FaceMask.IntegrationTests.Storage;
using FaceMask.WebFront.Storage;

namespace FaceMask.IntegrationTests.ClusterProfile;

/// <summary>
/// The cluster profile as separate processes on one machine: three FaceMask.Silo workers and two FaceMask.WebFront
/// front ends, all on one MariaDB database (Orleans membership, grain state and reminders; the app's users, images and
/// Data Protection key ring) and one s3rver bucket (the image blobs). Nothing is shared in any other way: each
/// WebFront has an empty data folder of its own, and neither starts a worker.
/// </summary>
public sealed class ClusterProfileSystem : IAsyncLifetime
{
    public const string Prefix = "fm/";

    public static readonly string[] SiloNames = ["silo-1", "silo-2", "silo-3"];

    /// <summary>The scaler's tick period in these tests (the product's default is a minute).</summary>
    public static readonly TimeSpan ScalerPeriod = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);

    private readonly List<string> _dataDirectories = [];

    public MySqlSiloCluster Cluster { get; private set; } = null!;

    /// <summary>The app's own MySQL stores over the shared database, for checking what the WebFronts wrote.</summary>
    public MySqlDatabase AppDatabase { get; private set; } = null!;

    public string Bucket { get; } = TestServices.NewBucketName();

    public Front A { get; private set; } = null!;

    public Front B { get; private set; } = null!;

    /// <summary>An Orleans client of the test's own, finding the silos in the database as WebFront does.</summary>
    public IClusterClient Client { get; private set; } = null!;

    /// <summary>How long it took from nothing to three Active silos and two healthy WebFronts.</summary>
    public TimeSpan StartedIn { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var clock = Stopwatch.StartNew();
        TestServices.ExportS3Credentials();
        Cluster = await MySqlSiloCluster.CreateAsync();
        AppDatabase = new MySqlDatabase(Cluster.Database.ConnectionString);
        foreach (var name in SiloNames)
        {
            StartSilo(name);
        }

        await Cluster.WaitForActiveAsync(SiloNames);
        // Both at once, as a deployment starts them: each applies the app schema and creates the bucket.
        A = StartFront("webfront-a");
        B = StartFront("webfront-b");
        await Task.WhenAll(A.WaitHealthyAsync(SiloNames.Length, StartDeadline, Cluster), B.WaitHealthyAsync(SiloNames.Length, StartDeadline, Cluster));
        Client = await Cluster.ConnectAsync();
        StartedIn = clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        A?.Dispose();
        B?.Dispose();
        if (AppDatabase is not null)
        {
            await AppDatabase.DisposeAsync();
        }

        if (Cluster is not null)
        {
            // Stops the client, kills every process left and drops the database.
            await Cluster.DisposeAsync();
        }

        using (var s3 = TestServices.S3Client())
        {
            await TestServices.DeleteBucketAsync(s3, Bucket);
        }

        foreach (var directory in _dataDirectories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// A worker as the cluster profile runs it, with two test-only speed-ups: reminders may tick every second (the
    /// product's minimum is a minute) and the scaler ticks every two seconds. The scaler starts switched off, so the
    /// test sets its policy before the first decision, as an operator would. Failure detection is the product's.
    /// </summary>
    private void StartSilo(string name) => Cluster.StartProgram(
        name,
        Processes.SiloProgram,
        [
            $"--Worker:Name={name}",
            "--Worker:SiloPort=0",
            "--Worker:GatewayPort=0",
            $"--Worker:ClusterId={Cluster.ClusterId}",
            $"--Worker:ServiceId={Cluster.ClusterId}",
            "--Cluster:Provider=MySql",
            "--Cluster:Reminders:MinimumReminderPeriod=00:00:01",
            $"--Scaler:Period={ScalerPeriod:c}",
            "--Scaler:MetricsTimeout=00:00:01",
            "--Scaler:EnabledAtStart=false",
        ]);

    private Front StartFront(string name)
    {
        var port = Processes.FreePort();
        var data = Path.Combine(Path.GetTempPath(), "facemask-cp-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        _dataDirectories.Add(data);
        var s3 = TestServices.S3Options(Bucket, Prefix);
        var process = Cluster.StartProgram(
            name,
            Processes.WebFrontProgram,
            [
                "--urls", $"http://127.0.0.1:{port}",
                "--Cluster:Provider=MySql",
                $"--Cluster:ClusterId={Cluster.ClusterId}",
                $"--Cluster:ServiceId={Cluster.ClusterId}",
                $"--Cluster:SqlitePath={Path.Combine(data, "orleans.db")}",
                "--Storage:Provider=MySql",
                $"--Storage:MySql:ConnectionString={Cluster.Database.ConnectionString}",
                "--Storage:Blobs=S3",
                "--Storage:KeyRing=MySql",
                $"--Storage:S3:Bucket={s3.Bucket}",
                $"--Storage:S3:ServiceUrl={s3.ServiceUrl}",
                "--Storage:S3:ForcePathStyle=true",
                $"--Storage:S3:Region={s3.Region}",
                $"--Storage:S3:Prefix={s3.Prefix}",
                $"--Storage:DataDirectory={data}",
            ]);
        return new Front(name, new Uri($"http://127.0.0.1:{port}"), data, process);
    }

    /// <summary>One WebFront process: its address and its (to stay empty) data folder.</summary>
    public sealed class Front(string name, Uri address, string dataDirectory, Process process) : IDisposable
    {
        private readonly HttpClient _health = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };

        public string Name { get; } = name;

        public Uri Address { get; } = address;

        /// <summary>A client that keeps no cookies and follows no redirect: tests carry cookies by hand.</summary>
        public HttpClient NewClient() => new(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
        {
            BaseAddress = Address,
            // Past Orleans' 30 s response timeout: a request must end with WebFront's own answer, never ours.
            Timeout = TimeSpan.FromSeconds(60),
        };

        public bool IsRunning => !process.HasExited;

        public IReadOnlyList<string> LocalFiles() =>
            Directory.Exists(dataDirectory) ? Directory.GetFiles(dataDirectory, "*", SearchOption.AllDirectories) : [];

        public async Task WaitHealthyAsync(int workers, TimeSpan deadline, MySqlSiloCluster cluster)
        {
            var healthy = await Processes.EventuallyAsync(
                async () =>
                {
                    try
                    {
                        using var response = await _health.GetAsync("/healthz");
                        return response.StatusCode == HttpStatusCode.OK
                            && (await response.Content.ReadAsStringAsync()).Contains($"\"workers\":{workers}", StringComparison.Ordinal);
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        return false;
                    }
                },
                deadline);
            if (!healthy)
            {
                throw new InvalidOperationException($"{Name} did not report {workers} workers within {deadline.TotalSeconds} s.\n{cluster.Logs()}");
            }
        }

        public void Dispose() => _health.Dispose();
    }
}
