using FaceMask.IntegrationTests.Site;
using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaceMask.IntegrationTests.Storage;

/// <summary>
/// Two WebFronts in the cluster profile on one MariaDB database and one s3rver bucket, sharing one worker:
/// A starts it, B only connects. Rows, blobs and the Data Protection key ring are shared through the servers
/// and nothing else (each WebFront has its own, empty data folder). A's image store can be made to fail.
/// </summary>
public sealed class ClusterProfileSites : IAsyncLifetime
{
    private readonly string _clusterDirectory = Path.Combine(Path.GetTempPath(), "facemask-cp-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly int _gatewayPort = Processes.FreePort();
    private readonly int _siloPort = Processes.FreePort();
    private MySqlTestDatabase? _database;

    public string Bucket { get; } = TestServices.NewBucketName();

    public const string Prefix = "fm/";

    public FaultSwitch Faults { get; } = new();

    public Front A { get; private set; } = null!;

    public Front B { get; private set; } = null!;

    public MySqlDatabase Database { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        TestServices.ExportS3Credentials();
        _database = await MySqlTestDatabase.CreateAsync();
        Database = new MySqlDatabase(_database.ConnectionString);
        A = new Front(this, startWorker: true);
        B = new Front(this, startWorker: false);
        await A.WaitHealthyAsync();
        await B.WaitHealthyAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (B is not null)
        {
            await B.DisposeAsync();
        }

        if (A is not null)
        {
            await A.DisposeAsync();
        }

        using (var s3 = TestServices.S3Client())
        {
            await TestServices.DeleteBucketAsync(s3, Bucket);
        }

        await Database.DisposeAsync();
        MySqlConnector.MySqlConnection.ClearAllPools();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        try
        {
            Directory.Delete(_clusterDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public sealed class Front(ClusterProfileSites sites, bool startWorker) : WebApplicationFactory<Program>
    {
        private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "facemask-cp-data-" + Guid.NewGuid().ToString("N"));

        /// <summary>A client that keeps no cookies: tests carry the session cookie by hand from one WebFront to the other.</summary>
        public HttpClient NewClient() =>
            CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        public async Task WaitHealthyAsync()
        {
            using var client = NewClient();
            var healthy = await Processes.EventuallyAsync(
                async () => (await client.GetAsync("/healthz")).IsSuccessStatusCode, TimeSpan.FromSeconds(120));
            if (!healthy)
            {
                throw new InvalidOperationException("A cluster-profile WebFront did not become healthy.");
            }
        }

        /// <summary>No file may land in the data folder: rows, blobs and keys all live on the servers.</summary>
        public IReadOnlyList<string> LocalFiles() =>
            Directory.Exists(_dataDirectory) ? Directory.GetFiles(_dataDirectory, "*", SearchOption.AllDirectories) : [];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            var s3 = TestServices.S3Options(sites.Bucket, Prefix);
            builder.UseSetting("Storage:Provider", "MySql");
            builder.UseSetting("Storage:MySql:ConnectionString", sites._database!.ConnectionString);
            builder.UseSetting("Storage:Blobs", "S3");
            builder.UseSetting("Storage:S3:Bucket", s3.Bucket);
            builder.UseSetting("Storage:S3:ServiceUrl", s3.ServiceUrl);
            builder.UseSetting("Storage:S3:ForcePathStyle", "true");
            builder.UseSetting("Storage:S3:Region", s3.Region);
            builder.UseSetting("Storage:S3:Prefix", s3.Prefix);
            builder.UseSetting("Storage:DataDirectory", _dataDirectory);
            builder.UseSetting("Cluster:SqlitePath", Path.Combine(sites._clusterDirectory, "orleans.db"));
            builder.UseSetting("Cluster:GatewayPort", sites._gatewayPort.ToString());
            builder.UseSetting("Cluster:SiloPort", sites._siloPort.ToString());
            builder.UseSetting("Cluster:StartWorker", startWorker ? "true" : "false");
            if (startWorker)
            {
                builder.ConfigureTestServices(services =>
                {
                    var original = services.Last(d => d.ServiceType == typeof(IImageStore));
                    services.RemoveAll<IImageStore>();
                    services.AddSingleton<IImageStore>(sp => new FaultyImageStore((IImageStore)original.ImplementationFactory!(sp), sites.Faults));
                });
            }
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            if (Directory.Exists(_dataDirectory))
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
        }
    }
}
