using Orleans.Core.Internal;
using Orleans.Runtime.Placement;

namespace FaceMask.IntegrationTests.ClusterProfile;

/// <summary>
/// Where a grain lives, asked of the silos themselves: each active silo lists the activations it holds (through the
/// management grain), and membership names the silo. The grain directory is not asked: its answer may come from a
/// cache and lag behind. A grain can also be moved to a chosen silo with a placement hint, which every built-in
/// placement director honours.
/// </summary>
public sealed class GrainHosts(IClusterClient client)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private IManagementGrain Management => client.GetGrain<IManagementGrain>(0);

    /// <summary>
    /// The name of the silo that holds <paramref name="grain"/>'s activation; null when no silo holds one, or when
    /// two do (for a moment during a migration, the old activation is still being taken down).
    /// </summary>
    public async Task<string?> SiloOfAsync(IAddressable grain)
    {
        var holders = await SilosOfAsync(grain);
        return holders.Count == 1 ? holders[0] : null;
    }

    /// <summary>The names of the silos that hold an activation of <paramref name="grain"/>.</summary>
    public async Task<IReadOnlyList<string>> SilosOfAsync(IAddressable grain)
    {
        var hosts = await Management.GetDetailedHosts(onlyActive: true).WaitAsync(CallTimeout);
        var names = hosts.ToDictionary(h => h.SiloAddress, h => h.SiloName);
        var activations = await Management.GetDetailedGrainStatistics(null, [.. names.Keys]).WaitAsync(CallTimeout);
        var id = grain.GetGrainId();
        return activations.Where(a => a.GrainId.Equals(id)).Select(a => names[a.SiloAddress]).Distinct().Order().ToList();
    }

    /// <summary>
    /// Makes <paramref name="silo"/> the home of <paramref name="grain"/>: with a placement hint for that silo, an
    /// inactive grain is activated by <paramref name="activate"/> (any call on it) and an active one elsewhere is
    /// migrated there (Orleans' own live migration, which moves its directory entry too; a deactivation would leave
    /// directory caches pointing at the old silo, which would then activate it again). Returns where it ended up.
    /// </summary>
    public async Task<string?> MoveAsync(IAddressable grain, Func<Task> activate, string silo)
    {
        var target = await AddressOfAsync(silo);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var holders = await SilosOfAsync(grain);
            if (holders.SequenceEqual([silo]))
            {
                return silo;
            }

            if (holders.Count > 1)
            {
                // A migration under way: let it finish before judging.
                await Processes.EventuallyAsync(async () => (await SilosOfAsync(grain)).Count <= 1, TimeSpan.FromSeconds(10));
                continue;
            }

            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            try
            {
                var moving = holders.Count == 0 ? activate() : grain.AsReference<IGrainManagementExtension>().MigrateOnIdle().AsTask();
                await moving.WaitAsync(CallTimeout);
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }

            // Migration happens once the grain is idle: wait for it to land.
            await Processes.EventuallyAsync(async () => await SiloOfAsync(grain) == silo, TimeSpan.FromSeconds(10));
        }

        return await SiloOfAsync(grain);
    }

    private async Task<SiloAddress> AddressOfAsync(string silo)
    {
        var hosts = await Management.GetDetailedHosts(onlyActive: true).WaitAsync(CallTimeout);
        return hosts.Single(h => h.SiloName == silo).SiloAddress;
    }
}
