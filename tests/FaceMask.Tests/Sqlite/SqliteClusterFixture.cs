using System.Net;
using System.Net.Sockets;
using FaceMask.Silo.Clustering;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace FaceMask.Tests.Sqlite;

/// <summary>
/// Two silo hosts and a client in this process, talking over real TCP, on one temp SQLite file through
/// FaceMask's SQLite cluster store: the same providers, schema and wiring as a worker.
/// </summary>
public sealed class SqliteClusterFixture : IAsyncLifetime
{
    private readonly List<IHost> _silos = [];
    private IHost? _client;

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "facemask-sqlite-" + Guid.NewGuid().ToString("N"));

    public string DatabasePath => Path.Combine(Directory, "orleans.db");

    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..8];

    public string ServiceId => ClusterId;

    public IReadOnlyList<IHost> Silos => _silos;

    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    public async ValueTask InitializeAsync()
    {
        // Both at once, as workers started together would: the installers race on the fresh file.
        var silos = await Task.WhenAll(StartSiloAsync("silo-1"), StartSiloAsync("silo-2"));
        _silos.AddRange(silos);

        var client = Host.CreateApplicationBuilder();
        client.Logging.ClearProviders();
        client.UseOrleansClient(c =>
        {
            c.UseAdoNetClustering(o =>
            {
                o.Invariant = SqliteOrleansSchema.Invariant;
                o.ConnectionString = SqlitePragmaDataSource.ConnectionStringFor(DatabasePath, SqliteOpenMode.ReadWrite);
            });
            c.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
        });
        _client = client.Build();
        await _client.StartAsync();
    }

    /// <summary>A connection to the file, for looking behind the providers' backs.</summary>
    public SqliteConnection OpenDatabase()
    {
        var connection = new SqliteConnection(SqlitePragmaDataSource.ConnectionStringFor(DatabasePath, SqliteOpenMode.ReadWrite));
        connection.Open();
        SqlitePragmaDataSource.ApplyPragmas(connection);
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.StopAsync();
            _client.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.StopAsync();
            silo.Dispose();
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

    private async Task<IHost> StartSiloAsync(string name)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (ClusterId, ServiceId));
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.UseSqliteClusterStore(DatabasePath);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
