namespace FaceMask.Grains.Fleet;

/// <summary>
/// The worker set and its rules — bounds, naming, draining, failure and replacement, history — over the fleet's
/// state, without I/O: the grain persists the state and talks to the provisioner.
/// </summary>
public sealed class FleetBook(FleetState state, FleetOptions options)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(5);

    /// <summary>The largest maximum anyone may set (the policy's limit).</summary>
    public const int BoundLimit = 64;

    public FleetState State => state;

    public IReadOnlyList<WorkerRecord> Workers => state.Workers;

    /// <summary>The bounds in force: the policy's when it set them, else the configured defaults.</summary>
    public int MinWorkers => state.MinWorkers ?? options.MinWorkers;

    public int MaxWorkers => state.MaxWorkers ?? options.MaxWorkers;

    /// <summary>Pending, Starting and Running workers: what the bounds count. Draining ones are already leaving.</summary>
    public int ActiveCount => state.Workers.Count(w => w.IsActive);

    /// <summary>The live worker with this id, or else the latest finished one.</summary>
    public WorkerRecord? Find(string id) =>
        state.Workers.LastOrDefault(w => w.Id == id && !w.IsFinished) ?? state.Workers.LastOrDefault(w => w.Id == id);

    /// <summary>Newest first.</summary>
    public IReadOnlyList<WorkerInfo> List(WorkerState? filter) =>
        state.Workers
            .Where(w => filter is null || w.State == filter)
            .OrderByDescending(w => w.LaunchedAt)
            .ThenByDescending(w => w.Number)
            .Select(w => w.ToInfo())
            .ToList();

    public FleetChange Add(int count, DateTimeOffset now)
    {
        if (count < 1)
        {
            return new FleetChange([], "Ask for at least one worker.");
        }

        state.Stopped = false;
        var room = Math.Max(0, MaxWorkers - ActiveCount);
        var added = Enumerable.Range(0, Math.Min(count, room)).Select(_ => NewWorker(now, null)).ToList();
        state.DesiredWorkers = ActiveCount;
        var refusal = added.Count < count
            ? $"Added {added.Count} of {count}: the fleet has at most {MaxWorkers} workers."
            : null;
        return new FleetChange(added.Select(w => w.ToInfo()).ToList(), refusal);
    }

    public FleetChange EnsureMinimum(DateTimeOffset now)
    {
        state.Stopped = false;
        var missing = MinWorkers - ActiveCount;
        var added = Enumerable.Range(0, Math.Max(0, missing)).Select(_ => NewWorker(now, null)).ToList();
        state.DesiredWorkers = Math.Max(state.DesiredWorkers, ActiveCount);
        return new FleetChange(added.Select(w => w.ToInfo()).ToList(), null);
    }

    /// <summary>
    /// Takes the scaling policy's bounds in place of the configured ones. A running fleet below the new minimum gets
    /// Pending workers at once and its desired size moves inside the bounds; workers over the maximum are left to
    /// the caller to drain (<see cref="ExcessOverMaximum"/>), through the usual scale-in choice.
    /// </summary>
    public FleetChange SetBounds(int min, int max, DateTimeOffset now)
    {
        if (min < 0 || max < 1 || min > max || max > BoundLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(max), $"Fleet bounds must satisfy 0 <= min <= max, 1 <= max <= {BoundLimit}; got {min}..{max}.");
        }

        state.MinWorkers = min;
        state.MaxWorkers = max;
        if (state.Stopped)
        {
            return new FleetChange([], null);
        }

        var added = new List<WorkerRecord>();
        while (ActiveCount < min)
        {
            added.Add(NewWorker(now, "meets the policy's minimum"));
        }

        state.DesiredWorkers = Math.Clamp(state.DesiredWorkers, min, max);
        return new FleetChange(added.Select(w => w.ToInfo()).ToList(), null);
    }

    /// <summary>Active workers beyond the maximum (after the maximum was lowered).</summary>
    public int ExcessOverMaximum => Math.Max(0, ActiveCount - MaxWorkers);

    /// <summary>Why this worker may not be removed now, or null.</summary>
    public string? RemovalRefusal(WorkerRecord worker)
    {
        if (!worker.IsActive)
        {
            return $"{worker.Name} is already {worker.State}.";
        }

        if (worker.ScaleInProtected)
        {
            return $"{worker.Name} is protected from scale-in.";
        }

        return ActiveCount - 1 < MinWorkers
            ? $"The fleet keeps at least {MinWorkers} worker(s)."
            : null;
    }

    /// <summary>Workers that may go, given the minimum: how many of <paramref name="wanted"/>.</summary>
    public int RemovalBudget(int wanted) => Math.Clamp(ActiveCount - MinWorkers, 0, Math.Max(0, wanted));

    /// <summary>
    /// A worker never launched just ends; any other starts draining (the tick asks the provisioner to stop it).
    /// Either way the fleet's desired size shrinks with it.
    /// </summary>
    public WorkerRecord Drain(WorkerRecord worker, DateTimeOffset now, string reason)
    {
        var updated = worker.State == WorkerState.Pending
            ? worker with { State = WorkerState.Terminated, StateSince = now, Detail = reason }
            : worker with { State = WorkerState.Draining, StateSince = now, StopRequested = false, Detail = reason };
        Update(worker, updated);
        state.DesiredWorkers = Math.Min(state.DesiredWorkers, ActiveCount);
        return updated;
    }

    public void StopAll(DateTimeOffset now)
    {
        state.Stopped = true;
        foreach (var worker in state.Workers.Where(w => w.IsActive).ToList())
        {
            Drain(worker, now, "stopped with the whole fleet");
        }

        state.DesiredWorkers = 0;
        TrimHistory();
    }

    /// <summary>Marks a worker Failed; <see cref="TopUp"/> replaces it. Failures to come up slow further launches down.</summary>
    public void Fail(WorkerRecord worker, string reason, DateTimeOffset now, bool neverRan)
    {
        Update(worker, worker with { State = WorkerState.Failed, StateSince = now, Detail = reason });
        if (neverRan)
        {
            state.ConsecutiveLaunchFailures++;
            var backoff = FirstBackoff * Math.Pow(2, Math.Min(state.ConsecutiveLaunchFailures - 1, 10));
            state.LaunchesBlockedUntil = now + (backoff < MaxBackoff ? backoff : MaxBackoff);
        }
    }

    /// <summary>
    /// Adds Pending workers up to the desired size (within the maximum) unless the fleet is stopped, each noted as
    /// the replacement of one of <paramref name="replaced"/> while names last.
    /// </summary>
    public IReadOnlyList<WorkerRecord> TopUp(DateTimeOffset now, IReadOnlyList<string> replaced)
    {
        var added = new List<WorkerRecord>();
        while (!state.Stopped && ActiveCount < Math.Min(state.DesiredWorkers, MaxWorkers))
        {
            added.Add(NewWorker(now, added.Count < replaced.Count ? $"replaces {replaced[added.Count]}" : "restores the fleet's size"));
        }

        return added;
    }

    public WorkerRecord BecameRunning(WorkerRecord worker, SiloMember member, DateTimeOffset now)
    {
        state.ConsecutiveLaunchFailures = 0;
        state.LaunchesBlockedUntil = null;
        var updated = worker with
        {
            State = WorkerState.Running,
            StateSince = now,
            RunningSince = now,
            Address = member.Host,
            SiloPort = member.Port,
            SiloGeneration = member.Generation,
            Detail = null,
        };
        Update(worker, updated);
        return updated;
    }

    /// <summary>
    /// Takes in an Active silo the fleet did not launch; its id is its silo name, the id its metrics use. A
    /// stopped fleet that adopts one is running again.
    /// </summary>
    public WorkerRecord Adopt(SiloMember member, DateTimeOffset now)
    {
        state.Stopped = false;
        state.Workers.RemoveAll(w => w.Id == member.Name && w.IsFinished);
        var number = NumberOf(member.Name);
        if (number >= state.NextNumber)
        {
            state.NextNumber = number + 1;
        }

        var worker = new WorkerRecord
        {
            Id = member.Name,
            Name = member.Name,
            Number = number,
            State = WorkerState.Running,
            StateSince = now,
            Address = member.Host,
            SiloPort = member.Port,
            SiloGeneration = member.Generation,
            LaunchedAt = now,
            RunningSince = now,
            Adopted = true,
            Detail = "adopted from cluster membership",
        };
        state.Workers.Add(worker);
        state.DesiredWorkers = Math.Max(state.DesiredWorkers, ActiveCount);
        return worker;
    }

    public void Update(WorkerRecord current, WorkerRecord updated)
    {
        var index = state.Workers.IndexOf(current);
        if (index < 0)
        {
            throw new InvalidOperationException($"Worker {current.Id} is not in the fleet.");
        }

        state.Workers[index] = updated;
    }

    /// <summary>
    /// Sets the point of the current minute, keeping an hour; true when it opened a new minute. Minutes in which
    /// no tick ran get no point: gaps, not zeros.
    /// </summary>
    public bool Record(FleetMinute point)
    {
        var series = state.Series;
        if (series.Count > 0 && series[^1].Minute == point.Minute)
        {
            series[^1] = point;
            return false;
        }

        series.Add(point);
        series.RemoveAll(p => p.Minute <= point.Minute.AddMinutes(-SeriesMinutes.Retention));
        return true;
    }

    public FleetSeries Series(DateTimeOffset now, int minutes)
    {
        var range = SeriesMinutes.Ending(now, minutes);
        var byMinute = state.Series.ToDictionary(p => p.Minute);
        return new FleetSeries(
            range.Select(m => new SeriesPoint(m, byMinute.TryGetValue(m, out var p) ? p.RunningWorkers : null)).ToList(),
            range.Select(m => new SeriesPoint(m, byMinute.TryGetValue(m, out var p) ? p.AverageCpuPercent : null)).ToList());
    }

    /// <summary>Keeps the newest <see cref="FleetOptions.HistoryLimit"/> finished workers.</summary>
    public void TrimHistory()
    {
        var excess = state.Workers.Where(w => w.IsFinished).OrderByDescending(w => w.StateSince).Skip(options.HistoryLimit).ToHashSet();
        if (excess.Count > 0)
        {
            state.Workers.RemoveAll(excess.Contains);
        }
    }

    private WorkerRecord NewWorker(DateTimeOffset now, string? detail)
    {
        var number = state.NextNumber++;
        var name = $"worker-{number}";
        var worker = new WorkerRecord
        {
            // The suffix keeps ids unique beyond this fleet's numbering (metrics keys, logs, other fleets in tests).
            Id = $"{name}-{Guid.NewGuid().ToString("N")[..6]}",
            Name = name,
            Number = number,
            State = WorkerState.Pending,
            StateSince = now,
            LaunchedAt = now,
            Detail = detail,
        };
        state.Workers.Add(worker);
        return worker;
    }

    private static int NumberOf(string name) =>
        name.StartsWith("worker-", StringComparison.Ordinal) && int.TryParse(name.AsSpan(7), out var n) && n > 0 ? n : 0;
}
