using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace FaceMask.WebFront.Cluster;

/// <summary>
/// The gateways the cluster's SQLite file lists as Active, read with the very query text the Orleans
/// client uses (<c>GatewaysQueryKey</c>, installed by the workers), so "a worker answers" means here what
/// it means to the client: an Active gateway that accepts a connection. A worker killed without warning
/// stays Active in the file until the others vote it dead; the connection test sees through that.
/// </summary>
public sealed class ClusterGateways(string databasePath, string clusterId)
{
    /// <summary>The AdoNet invariant that makes the providers load Microsoft.Data.Sqlite.</summary>
    public const string Invariant = "System.Data.SQLite";

    private const int ActiveStatus = 3;

    public string DatabasePath { get; } = databasePath;

    /// <summary>
    /// For the Orleans client. A reader needs no busy_timeout in WAL mode, so a plain connection string will
    /// do; ReadWrite (not Create) because only a worker may create the file, with its schema.
    /// </summary>
    public string ConnectionString { get; } = new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWrite,
        DefaultTimeout = 30,
    }.ToString();

    /// <summary>Whether any Active gateway that <paramref name="which"/> accepts takes connections.</summary>
    public async Task<bool> AnyAnswersAsync(Func<Gateway, bool> which, CancellationToken cancellationToken)
    {
        foreach (var gateway in Active().Where(which))
        {
            if (await AcceptsConnectionsAsync(gateway.Endpoint, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Gateways listed as Active; none when the file or its schema does not exist yet.</summary>
    public IReadOnlyList<Gateway> Active()
    {
        if (!File.Exists(DatabasePath))
        {
            return [];
        }

        try
        {
            using var connection = new SqliteConnection(ConnectionString);
            connection.Open();
            using var query = connection.CreateCommand();
            query.CommandText = "SELECT QueryText FROM OrleansQuery WHERE QueryKey = 'GatewaysQueryKey'";
            if (query.ExecuteScalar() is not string gatewaysQuery)
            {
                return [];
            }

            using var gateways = connection.CreateCommand();
            gateways.CommandText = gatewaysQuery;
            gateways.Parameters.AddWithValue("DeploymentId", clusterId);
            gateways.Parameters.AddWithValue("Status", ActiveStatus);
            using var reader = gateways.ExecuteReader();
            var found = new List<Gateway>();
            while (reader.Read())
            {
                var endpoint = new IPEndPoint(
                    IPAddress.Parse(reader.GetString(reader.GetOrdinal("Address"))),
                    reader.GetInt32(reader.GetOrdinal("ProxyPort")));
                found.Add(new Gateway(endpoint, reader.GetInt32(reader.GetOrdinal("Generation"))));
            }

            return found;
        }
        catch (SqliteException)
        {
            // No schema yet (a worker is installing it), or a file that is not a cluster store.
            return [];
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(IPEndPoint endpoint, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(endpoint, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>A silo's client gateway as membership lists it; a restarted silo comes back with a new generation.</summary>
public sealed record Gateway(IPEndPoint Endpoint, int Generation);
