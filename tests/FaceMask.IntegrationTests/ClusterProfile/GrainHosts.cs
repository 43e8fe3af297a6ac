using Orleans.Runtime.Placement;

namespace FaceMask.IntegrationTests.ClusterProfile;

/// <summary>
/// Where a grain lives, asked of the cluster itself: the grain directory (through the management grain) names the
/// silo of its activation, and membership names that silo. A grain can also be moved to a chosen silo: deactivated
/// where it is, then activated again with a placement hint, which every built-in placement director honours.
/// </summary>
public sealed class GrainHosts(IClusterClient client)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private IManagementGrain Management => client.GetGrain<IManagementGrain>(0);

    /// <summary>The name of the silo that holds <paramref name="grain"/>'s activation, or null when none is registered.</summary>
    public async Task<string?> SiloOfAsync(IAddressable grain)
    {
        if (await Management.GetActivationAddress(grain).AsTask().WaitAsync(CallTimeout) is not { } address)
        {
            return null;
        }

        var hosts = await Management.GetDetailedHosts(onlyActive: false).WaitAsync(CallTimeout);
        return hosts.Where(h => h.SiloAddress.Equals(address)).Select(h => h.SiloName).FirstOrDefault()
            ?? throw new InvalidOperationException($"{address} hosts {grain.GetGrainId()} but is not in membership");
    }

    /// <summary>
    /// Makes <paramref name="silo"/> the home of <paramref name="grain"/>: when it is active elsewhere it is
    /// deactivated, then <paramref name="activate"/> (any call on it) is made with a placement hint for that silo.
    /// Returns whether the grain ended up there.
    /// </summary>
    public async Task<bool> MoveAsync(IAddressable grain, Func<Task> activate, string silo)
    {
        var target = await AddressOfAsync(silo);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = await SiloOfAsync(grain);
            if (current == silo)
            {
                return true;
            }

            if (current is not null)
            {
                await Management.DeactivateGrain(grain.GetGrainId()).WaitAsync(CallTimeout);
                // Deactivation completes asynchronously: wait for the directory to forget the activation.
                await Processes.EventuallyAsync(async () => await SiloOfAsync(grain) is null, TimeSpan.FromSeconds(10));
            }

            RequestContext.Set(IPlacementDirector.PlacementHintKey, target);
            try
            {
                await activate().WaitAsync(CallTimeout);
            }
            finally
            {
                RequestContext.Remove(IPlacementDirector.PlacementHintKey);
            }
        }

        return await SiloOfAsync(grain) == silo;
    }

    private async Task<SiloAddress> AddressOfAsync(string silo)
    {
        var hosts = await Management.GetDetailedHosts(onlyActive: true).WaitAsync(CallTimeout);
        return hosts.Single(h => h.SiloName == silo).SiloAddress;
    }
}
