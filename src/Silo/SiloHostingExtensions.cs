using System.Net;
using System.Net.Sockets;
using FaceMask.Grains.Detection;
using FaceMask.Grains.Fleet;
using FaceMask.Grains.Fleet.Aws;
using FaceMask.Grains.Fleet.Local;
using FaceMask.Grains.Metrics;
using FaceMask.Grains.Scaling;
using FaceMask.Silo.Clustering;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace FaceMask.Silo;

public static class SiloHostingExtensions
{
    public static HostApplicationBuilder AddFaceMaskSilo(this HostApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<ClusterStoreOptions>()
            .BindConfiguration(ClusterStoreOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddMaskDetector();
        builder.Services.AddFleet();
        builder.Services.AddScaling();
        builder.Services.AddWorkerMetrics();
        builder.Services.AddHostedService<ParentProcessWatcher>();

        var worker = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        var store = builder.Configuration.GetSection(ClusterStoreOptions.Section).Get<ClusterStoreOptions>() ?? new ClusterStoreOptions();
        builder.UseOrleans(silo =>
        {
            // Membership advertises the ports, so they must be real numbers before the silo starts.
            silo.ConfigureEndpoints(IPAddress.Loopback, PortOrFree(worker.SiloPort), PortOrFree(worker.GatewayPort));
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = worker.ClusterId;
                o.ServiceId = worker.ServiceId;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = worker.Name);
            // The dashboard's grains live in the silos; WebFront serves its pages (admins only).
            silo.AddDashboard();
            silo.UseClusterStore(store, builder.Configuration);
        });

        // Fleet:Provisioner=Aws — workers are EC2 instances behind an ELB target group ("Fleet:Aws" section).
        // After UseOrleans: it replaces the provisioner the cluster store registered.
        if (string.Equals(builder.Configuration["Fleet:Provisioner"], "Aws", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddAwsWorkerProvisioner();
            // Workers on separate machines: advertise the private address the user data wrote (Worker:Address) and
            // listen on every interface, instead of loopback.
            if (builder.Configuration["Worker:Address"] is { Length: > 0 } address)
            {
                var advertised = IPAddress.TryParse(address, out var ip) ? ip : throw new InvalidOperationException($"Worker:Address '{address}' is not an IP address.");
                builder.Services.Configure<EndpointOptions>(o =>
                {
                    o.AdvertisedIPAddress = advertised;
                    o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, o.SiloPort);
                    o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, o.GatewayPort);
                });
            }
        }

        return builder;
    }

    /// <summary>The one place where the embedded default and the cluster profile differ on a worker.</summary>
    private static void UseClusterStore(this ISiloBuilder silo, ClusterStoreOptions store, IConfiguration configuration)
    {
        var section = configuration.GetSection(ClusterStoreOptions.Section);
        switch (store.Provider)
        {
            case ClusterProvider.Sqlite:
                silo.UseSqliteClusterStore(store.SqlitePath ?? "");
                // One machine: workers are child processes of whichever silo hosts the fleet.
                silo.Services.AddLocalWorkerProvisioner();
                break;
            case ClusterProvider.MySql:
                // Workers on any number of machines; which provisioner starts new ones is configured apart.
                silo.UseMySqlClusterStore(MySqlClusterConnection.From(configuration));
                break;
            default:
                throw new InvalidOperationException($"Cluster:Provider {store.Provider} is not supported.");
        }

        // Failure detection for workers on one machine talking over loopback. A dead worker (its grains, the
        // scaler's reminder) is noticed in ~6 s instead of Orleans' ~11-12 s, yet a worker saturated by
        // inference gets three 2-second probes before it is suspected, and two silos must agree; the probe's
        // 1 s x 2 settings (0.6-1.6 s) leave too little headroom against false deaths under CPU load.
        // IAmAlive every 5 s (a one-row write) lets a worker started after a whole-system crash skip the
        // dead workers' rows after 10 s instead of 60 s when it checks connectivity before joining.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        });
        silo.Services.Configure<ClusterMembershipOptions>(section.GetSection("Membership"));
        silo.Services.Configure<ReminderOptions>(section.GetSection("Reminders"));
    }

    /// <summary>0 means "any free port", for extra workers started without a port plan.</summary>
    private static int PortOrFree(int port)
    {
        if (port != 0)
        {
            return port;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Stops the worker when the WebFront that launched it is gone, even after a <c>kill -9</c> that
    /// gave the WebFront no chance to stop it: a worker never outlives its embedded parent.
    /// </summary>
    private sealed class ParentProcessWatcher(
        IOptions<WorkerOptions> options, IHostApplicationLifetime lifetime, ILogger<ParentProcessWatcher> logger)
        : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            if (options.Value.ParentProcessId is not { } parent)
            {
                return;
            }

            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!IsAlive(parent))
                {
                    logger.LogWarning("Parent process {ParentProcessId} is gone; stopping this worker", parent);
                    lifetime.StopApplication();
                    return;
                }
            }
        }

        private static bool IsAlive(int pid)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
        }
    }
}
