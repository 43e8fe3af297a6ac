namespace FaceMask.Grains.Fleet;

/// <summary>Which silo in membership is a worker's.</summary>
public static class MemberMatcher
{
    /// <summary>
    /// Once seen Active, exactly that incarnation (endpoint and generation), whatever its status now. Before that,
    /// only an Active silo counts — by endpoint when the provisioner told us one, else by name — so the Dead entry
    /// of an earlier silo on a reused port cannot be taken for it.
    /// </summary>
    public static SiloMember? Find(WorkerRecord worker, IReadOnlyList<SiloMember> members)
    {
        if (worker.SiloGeneration != 0)
        {
            return members.FirstOrDefault(m => m.Generation == worker.SiloGeneration && SameEndpoint(worker, m));
        }

        return members
            .Where(m => m.Status == SiloMemberStatus.Active && (HasEndpoint(worker) ? SameEndpoint(worker, m) : m.Name == worker.Name))
            .MaxBy(m => m.Generation);
    }

    /// <summary>A silo is known when a live worker may be it, or a finished worker was exactly it.</summary>
    public static bool IsKnown(SiloMember member, IEnumerable<WorkerRecord> workers) =>
        workers.Any(w => w.SiloGeneration != 0
            ? w.SiloGeneration == member.Generation && SameEndpoint(w, member)
            : !w.IsFinished && (HasEndpoint(w) ? SameEndpoint(w, member) : w.Name == member.Name));

    private static bool HasEndpoint(WorkerRecord worker) => worker.Address is not null && worker.SiloPort > 0;

    private static bool SameEndpoint(WorkerRecord worker, SiloMember member) =>
        worker.SiloPort == member.Port && string.Equals(worker.Address, member.Host, StringComparison.OrdinalIgnoreCase);
}
