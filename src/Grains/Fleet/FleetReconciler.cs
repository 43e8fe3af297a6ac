namespace FaceMask.Grains.Fleet;

/// <summary>A stop the fleet must ask of the provisioner; <see cref="Drain"/> stops are remembered as requested.</summary>
public sealed record StopOrder(WorkerRecord Worker, TimeSpan Grace, bool Drain);

public sealed record ReconcileOutcome(bool Changed, IReadOnlyList<StopOrder> Stops);

/// <summary>
/// One step of the worker life cycle against cluster membership and the provisioner's liveness answers:
/// Starting → Running once its silo is Active; Starting → Failed when its process is gone or the start deadline
/// passes; Running → Failed when its silo is declared dead or leaves membership, or its process is gone;
/// Draining → stop requested → Terminated once gone or after the stop deadline; unknown Active silos adopted;
/// then the fleet topped up to its desired size (replacements) within the maximum.
/// </summary>
public static class FleetReconciler
{
    public static ReconcileOutcome Reconcile(
        FleetBook book,
        IReadOnlyList<SiloMember> members,
        IReadOnlyDictionary<string, bool> alive,
        DateTimeOffset now,
        FleetOptions options)
    {
        var stops = new List<StopOrder>();
        var failed = new List<string>();
        var changed = false;
        foreach (var worker in book.Workers.ToList())
        {
            var member = MemberMatcher.Find(worker, members);
            var gone = alive.TryGetValue(worker.Id, out var isAlive) && !isAlive;
            switch (worker.State)
            {
                case WorkerState.Starting when member is { Status: SiloMemberStatus.Active }:
                    book.BecameRunning(worker, member, now);
                    changed = true;
                    break;
                case WorkerState.Starting when gone:
                    book.Fail(worker, "exited before its silo joined the cluster", now, neverRan: true);
                    failed.Add(worker.Name);
                    changed = true;
                    break;
                case WorkerState.Starting when now - worker.StateSince >= options.StartTimeout:
                    book.Fail(worker, $"its silo did not join the cluster within {options.StartTimeout}", now, neverRan: true);
                    failed.Add(worker.Name);
                    stops.Add(new StopOrder(worker, TimeSpan.Zero, Drain: false));
                    changed = true;
                    break;
                case WorkerState.Running when member is null || member.Status == SiloMemberStatus.Dead:
                    book.Fail(worker, member is null ? "its silo left cluster membership" : "its silo was declared dead", now, neverRan: false);
                    failed.Add(worker.Name);
                    stops.Add(new StopOrder(worker, TimeSpan.Zero, Drain: false));
                    changed = true;
                    break;
                case WorkerState.Running when gone:
                    book.Fail(worker, "its process or instance is gone", now, neverRan: false);
                    failed.Add(worker.Name);
                    changed = true;
                    break;
                case WorkerState.Draining when !worker.StopRequested:
                    stops.Add(new StopOrder(worker, options.DrainGrace, Drain: true));
                    break;
                case WorkerState.Draining when gone || member?.Status == SiloMemberStatus.Dead || (worker.SiloGeneration != 0 && member is null):
                    book.Update(worker, worker with { State = WorkerState.Terminated, StateSince = now });
                    changed = true;
                    break;
                case WorkerState.Draining when now - worker.StateSince >= options.DrainGrace + options.StopTimeout:
                    book.Update(worker, worker with
                    {
                        State = WorkerState.Terminated,
                        StateSince = now,
                        Detail = $"{worker.Detail}; its stop was not confirmed within {options.DrainGrace + options.StopTimeout}",
                    });
                    changed = true;
                    break;
            }
        }

        // Also after stop-all: a silo nobody in the fleet stands for is someone starting the pool again
        // (WebFront restarting worker #1), and adopting it ends the stop.
        if (options.AdoptUnknownSilos)
        {
            foreach (var member in members.Where(m => m.Status == SiloMemberStatus.Active && !MemberMatcher.IsKnown(m, book.Workers)).ToList())
            {
                book.Adopt(member, now);
                changed = true;
            }
        }

        // Only after the failures: a silo adopted while the workers it stands in for are judged dead fills
        // their place instead of adding to them.
        if (book.TopUp(now, failed).Count > 0)
        {
            changed = true;
        }

        if (changed)
        {
            book.TrimHistory();
        }

        return new ReconcileOutcome(changed, stops);
    }
}
