using FaceMask.WebFront.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaceMask.IntegrationTests.Site;

/// <summary>
/// WebFront hosted in the test (real pages, real SQLite file, real blob folder) with the real worker
/// process it starts itself, on free ports, with its own data folder and its own cluster file (kept out of
/// the data folder, whose every file the storage tests account for). Faults can be switched on.
/// </summary>
public sealed class SiteFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminName = "admin";
    public const string AdminPassword = "admin-password-1";

    /// <summary>Short, so the lockout test can wait it out.</summary>
    public static readonly TimeSpan Lockout = TimeSpan.FromSeconds(3);

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "facemask-site-" + Guid.NewGuid().ToString("N"));

    public string BlobDirectory => Path.Combine(DataDirectory, "blobs");

    /// <summary>The workers' cluster: membership, grain state, reminders.</summary>
    public string ClusterDirectory { get; } = Path.Combine(Path.GetTempPath(), "facemask-site-cluster-" + Guid.NewGuid().ToString("N"));

    public string DatabaseFile => Path.Combine(DataDirectory, "facemask.db");

    public FaultSwitch Faults { get; } = new();

    private int GatewayPort { get; } = Processes.FreePort();

    private int SiloPort { get; } = Processes.FreePort();

    public async ValueTask InitializeAsync()
    {
        // Starting the server starts the worker process; the first health check waits for it.
        using var client = CreateClient();
        var healthy = await Processes.EventuallyAsync(
            async () => (await client.GetAsync("/healthz")).IsSuccessStatusCode, TimeSpan.FromSeconds(120));
        if (!healthy)
        {
            throw new InvalidOperationException("The site's worker did not come up.");
        }
    }

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (tests look at them).</summary>
    public SiteClient NewClient() =>
        new(CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    /// <summary>Every blob file under the data folder (content-type side files excluded).</summary>
    public IReadOnlyList<string> BlobFiles() =>
        Directory.Exists(BlobDirectory)
            ? Directory.EnumerateFiles(BlobDirectory, "*", SearchOption.AllDirectories)
                .Where(f => !f.EndsWith(".content-type", StringComparison.Ordinal)).ToList()
            : [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Storage:DataDirectory", DataDirectory);
        builder.UseSetting("Cluster:GatewayPort", GatewayPort.ToString());
        builder.UseSetting("Cluster:SiloPort", SiloPort.ToString());
        builder.UseSetting("Cluster:SqlitePath", Path.Combine(ClusterDirectory, "orleans.db"));
        builder.UseSetting("Admin:Username", AdminName);
        builder.UseSetting("Admin:Password", AdminPassword);
        builder.UseSetting("Accounts:Lockout", Lockout.ToString());
        // The scaler would resize the shared fleet under other tests' feet; the scaling tests switch it themselves.
        builder.UseSetting("Scaler:EnabledAtStart", "false");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(Faults);
            Decorate<IImageStore>(services, (sp, inner) => new FaultyImageStore(inner, sp.GetRequiredService<FaultSwitch>()));
            Decorate<IBlobStore>(services, (sp, inner) => new FaultyBlobStore(inner, sp.GetRequiredService<FaultSwitch>()));
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var directory in new[] { DataDirectory, ClusterDirectory })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static void Decorate<T>(IServiceCollection services, Func<IServiceProvider, T, T> decorate)
        where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.RemoveAll<T>();
        services.AddSingleton(sp => decorate(sp, (T)(original.ImplementationFactory?.Invoke(sp)
            ?? original.ImplementationInstance
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }
}

[CollectionDefinition(Name)]
public sealed class SiteCollection : ICollectionFixture<SiteFactory>
{
    public const string Name = "site";
}
