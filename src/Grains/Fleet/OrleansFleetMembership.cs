using Orleans.Runtime;

namespace FaceMask.Grains.Fleet;

/// <summary>Membership from the hosting silo's own view (<see cref="IClusterMembershipService"/>): no grain call, no I/O.</summary>
public sealed class OrleansFleetMembership(IClusterMembershipService membership) : IFleetMembership
{
    public ValueTask<IReadOnlyList<SiloMember>> GetMembersAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<SiloMember> members = membership.CurrentSnapshot.Members.Values
            .Select(m => new SiloMember(
                m.Name ?? "",
                m.SiloAddress.Endpoint.Address.ToString(),
                m.SiloAddress.Endpoint.Port,
                m.SiloAddress.Generation,
                Map(m.Status)))
            .ToList();
        return ValueTask.FromResult(members);
    }

    private static SiloMemberStatus Map(SiloStatus status) => status switch
    {
        SiloStatus.Active => SiloMemberStatus.Active,
        SiloStatus.ShuttingDown or SiloStatus.Stopping => SiloMemberStatus.ShuttingDown,
        SiloStatus.Dead => SiloMemberStatus.Dead,
        _ => SiloMemberStatus.Joining,
    };
}
