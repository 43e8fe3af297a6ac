namespace FaceMask.Grains.Fleet;

public enum SiloMemberStatus
{
    Joining = 0,
    Active = 1,
    ShuttingDown = 2,
    Dead = 3,
}

/// <summary>One silo incarnation in cluster membership: name, endpoint and generation identify it.</summary>
public sealed record SiloMember(string Name, string Host, int Port, int Generation, SiloMemberStatus Status);

/// <summary>The cluster membership as the fleet reads it. Must answer from memory: it is read on every fleet tick.</summary>
public interface IFleetMembership
{
    ValueTask<IReadOnlyList<SiloMember>> GetMembersAsync(CancellationToken cancellationToken);
}
