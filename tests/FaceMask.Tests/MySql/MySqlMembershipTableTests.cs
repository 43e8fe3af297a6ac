using System.Net;
using FaceMask.Silo.Clustering;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Runtime.MembershipService;

namespace FaceMask.Tests.MySql;

/// <summary>
/// The membership protocol on FaceMask's MariaDB schema, driven through the provider's own table class:
/// every change checks and bumps the cluster's version atomically, or changes nothing.
/// </summary>
[Trait("Category", "MySql")]
public sealed class MySqlMembershipTableTests : IAsyncLifetime
{
    private MySqlTestDatabase _database = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await MySqlTestDatabase.CreateAsync();
        await MySqlOrleansSchema.InstallAsync(_database.ConnectionString, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task ChangesNeedTheCurrentVersionAndExactlyOneOfManyRacingUpdatesWins()
    {
        var clusterId = "m-" + Guid.NewGuid().ToString("N")[..8];
        var tables = new[] { Table(clusterId), Table(clusterId) };
        await Task.WhenAll(tables.Select(t => t.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct)));
        var table = tables[0];

        var empty = await table.ReadAllAsync(Ct);
        Assert.Empty(empty.Members);
        var silo = Entry(1, SiloStatus.Joining);

        Assert.True(await table.InsertRowAsync(silo, empty.Version.Next(), Ct));
        Assert.False(await table.InsertRowAsync(Entry(2, SiloStatus.Joining), empty.Version.Next(), Ct)); // stale version
        var afterInsert = await table.ReadAllAsync(Ct);
        Assert.Equal(empty.Version.Version + 1, afterInsert.Version.Version);
        Assert.False(await table.InsertRowAsync(silo, afterInsert.Version.Next(), Ct)); // the same silo twice
        Assert.Equal(afterInsert.Version.Version, (await table.ReadAllAsync(Ct)).Version.Version);
        Assert.Single((await table.ReadAllAsync(Ct)).Members);

        // Eight silos vote with the same ETag: exactly one change lands, the version moves by exactly one.
        var (read, etag) = Assert.Single(afterInsert.Members);
        var votes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            var update = Copy(read);
            update.Status = SiloStatus.Active;
            update.SuspectTimes = [Tuple.Create(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 9000 + i), 7), new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc))];
            return tables[i % 2].UpdateRowAsync(update, etag, afterInsert.Version.Next(), Ct);
        })));
        Assert.Single(votes, won => won);
        var afterUpdate = await table.ReadAllAsync(Ct);
        Assert.Equal(afterInsert.Version.Version + 1, afterUpdate.Version.Version);
        var updated = Assert.Single(afterUpdate.Members).Item1;
        Assert.Equal(SiloStatus.Active, updated.Status);
        var suspect = Assert.Single(updated.SuspectTimes ?? []);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc), suspect.Item2);
        Assert.Equal(silo.StartTime, updated.StartTime);
        Assert.Equal((silo.SiloName, silo.HostName, silo.ProxyPort), (updated.SiloName, updated.HostName, updated.ProxyPort));

        // IAmAlive touches the time only, never the version.
        var alive = Copy(updated);
        alive.IAmAliveTime = updated.IAmAliveTime.AddSeconds(30);
        await table.UpdateIAmAliveAsync(alive, Ct);
        var afterAlive = await table.ReadAllAsync(Ct);
        Assert.Equal(afterUpdate.Version.Version, afterAlive.Version.Version);
        Assert.Equal(alive.IAmAliveTime, Assert.Single(afterAlive.Members).Item1.IAmAliveTime);
    }

    [Fact]
    public async Task CleanupRemovesOnlyOldDeadRowsAndDeletingAClusterLeavesTheOthers()
    {
        var clusterId = "c-" + Guid.NewGuid().ToString("N")[..8];
        var otherId = "o-" + Guid.NewGuid().ToString("N")[..8];
        var table = Table(clusterId);
        var other = Table(otherId);
        await table.InitializeMembershipTableAsync(true, Ct);
        await other.InitializeMembershipTableAsync(true, Ct);
        var old = DateTime.UtcNow.AddDays(-10);
        await InsertAsync(table, Entry(1, SiloStatus.Dead, old));
        await InsertAsync(table, Entry(2, SiloStatus.Active, old));
        await InsertAsync(table, Entry(3, SiloStatus.Dead, DateTime.UtcNow));
        await InsertAsync(other, Entry(1, SiloStatus.Dead, old));

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddDays(-1), Ct);

        Assert.Equal([2, 3], (await table.ReadAllAsync(Ct)).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port - 11000).Order());
        Assert.Single((await other.ReadAllAsync(Ct)).Members);

        await table.DeleteMembershipTableEntriesAsync(clusterId, Ct);

        Assert.Equal([0L], await _database.QueryAsync(
            "SELECT COUNT(*) FROM OrleansMembershipTable WHERE DeploymentId = @c", r => r.GetInt64(0), ("c", clusterId)));
        Assert.Equal([0L], await _database.QueryAsync(
            "SELECT COUNT(*) FROM OrleansMembershipVersionTable WHERE DeploymentId = @c", r => r.GetInt64(0), ("c", clusterId)));
        Assert.Single((await other.ReadAllAsync(Ct)).Members);
    }

    private static async Task InsertAsync(IMembershipTable table, MembershipEntry entry)
    {
        var data = await table.ReadAllAsync(Ct);
        Assert.True(await table.InsertRowAsync(entry, data.Version.Next(), Ct));
    }

    private IMembershipTable Table(string clusterId)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, clusterId));
        services.Configure<AdoNetClusteringSiloOptions>(o =>
        {
            o.Invariant = MySqlOrleansSchema.Invariant;
            o.ConnectionString = _database.ConnectionString;
        });
        return ActivatorUtilities.CreateInstance<AdoNetClusteringTable>(services.BuildServiceProvider());
    }

    private static MembershipEntry Entry(int n, SiloStatus status, DateTime? aliveAt = null)
    {
        var at = aliveAt ?? DateTime.UtcNow;
        var time = new DateTime(at.Ticks - (at.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 11000 + n), 42 + n),
            Status = status,
            SiloName = $"silo-{n}",
            HostName = "host",
            ProxyPort = 30000 + n,
            StartTime = time,
            IAmAliveTime = time,
        };
    }

    private static MembershipEntry Copy(MembershipEntry e) => new()
    {
        SiloAddress = e.SiloAddress,
        Status = e.Status,
        SuspectTimes = e.SuspectTimes,
        SiloName = e.SiloName,
        HostName = e.HostName,
        ProxyPort = e.ProxyPort,
        StartTime = e.StartTime,
        IAmAliveTime = e.IAmAliveTime,
    };
}
