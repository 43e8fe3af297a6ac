using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace FaceMask.Grains.Fleet;

/// <summary>
/// The worker set. Calls only change the persisted state; a grain timer does the slow part — launching, watching
/// membership, stopping — and each provisioner call in it is quick by contract, so no call waits for a machine.
/// </summary>
public sealed class FleetGrain(
    [PersistentState("fleet", StorageNames.Cluster)] IPersistentState<FleetState> fleet,
    IWorkerProvisioner provisioner,
    IFleetMembership membership,
    IOptions<FleetOptions> options,
    [FromKeyedServices(FleetTime.Key)] TimeProvider time,
    ILogger<FleetGrain> logger) : Grain, IFleetGrain, IRemindable
{
    private const string WakeReminder = "fleet-wake";
    private static readonly TimeSpan ScaleInWindow = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan SeriesCpuWindow = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MetricsCallTimeout = TimeSpan.FromSeconds(2);

    private readonly FleetOptions _options = options.Value;
    private readonly FleetDriver _driver = new(provisioner, options.Value, logger);

    private FleetBook Book => new(fleet.State, _options);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Not interleaved: a tick changes the worker set across awaits and must not race a call doing the same.
        // Kept alive: workers must be driven and the series sampled whether or not anyone is calling.
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(_options.TickInterval, _options.TickInterval)
        {
            Interleave = false,
            KeepAlive = true,
        });

        // The timer dies with this activation's silo; a durable reminder brings the fleet back elsewhere.
        try
        {
            await this.RegisterOrUpdateReminder(WakeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Fleet {Fleet} could not register its wake-up reminder; it resumes on the next call only", this.GetPrimaryKeyString());
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;

    public Task<IReadOnlyList<WorkerInfo>> ListAsync(WorkerState? state) => Task.FromResult(Book.List(state));

    public async Task<FleetChange> AddAsync(int count)
    {
        var change = Book.Add(count, time.GetUtcNow());
        await SaveIfAsync(change.Workers.Count > 0);
        return change;
    }

    public async Task<FleetChange> EnsureMinimumAsync()
    {
        var change = Book.EnsureMinimum(time.GetUtcNow());
        await SaveIfAsync(true);
        return change;
    }

    public async Task<FleetChange> SetBoundsAsync(int min, int max)
    {
        var book = Book;
        var added = book.SetBounds(min, max, time.GetUtcNow());
        await SaveIfAsync(true);
        if (book.ExcessOverMaximum is > 0 and var excess)
        {
            var removed = await RemoveAsync(excess);
            return new FleetChange([.. added.Workers, .. removed.Workers], removed.Refusal);
        }

        return added;
    }

    public async Task<FleetChange> RemoveWorkerAsync(string workerId)
    {
        var book = Book;
        if (book.Find(workerId) is not { } worker)
        {
            return new FleetChange([], $"Worker {workerId} not found.");
        }

        if (book.RemovalRefusal(worker) is { } refusal)
        {
            return new FleetChange([], refusal);
        }

        var drained = book.Drain(worker, time.GetUtcNow(), "removed");
        await SaveIfAsync(true);
        return new FleetChange([drained.ToInfo()], null);
    }

    public async Task<FleetChange> RemoveAsync(int count)
    {
        if (count < 1)
        {
            return new FleetChange([], "Ask to remove at least one worker.");
        }

        var book = Book;
        var active = book.Workers.Where(w => w.IsActive).ToList();
        var loads = await CpuAsync(active.Where(w => w.State == WorkerState.Running), ScaleInWindow);
        var budget = book.RemovalBudget(count);
        var chosen = ScaleInChooser.Choose(
            active.Select(w => new ScaleInCandidate(w.Id, w.State, w.ScaleInProtected, loads.GetValueOrDefault(w.Id), w.LaunchedAt, w.Number)),
            budget);

        var now = time.GetUtcNow();
        var removed = chosen.Select(id => book.Drain(book.Find(id)!, now, "removed by scale-in").ToInfo()).ToList();
        await SaveIfAsync(removed.Count > 0);
        string? refusal = null;
        if (removed.Count < count)
        {
            refusal = budget < count
                ? $"Removed {removed.Count} of {count}: the fleet keeps at least {book.MinWorkers} worker(s)."
                : $"Removed {removed.Count} of {count}: the others are protected from scale-in.";
        }

        return new FleetChange(removed, refusal);
    }

    public async Task<WorkerInfo?> SetScaleInProtectionAsync(string workerId, bool isProtected)
    {
        var book = Book;
        if (book.Find(workerId) is not { } worker)
        {
            return null;
        }

        var updated = worker with { ScaleInProtected = isProtected };
        book.Update(worker, updated);
        await SaveIfAsync(worker.ScaleInProtected != isProtected);
        return updated.ToInfo();
    }

    public async Task StopAllAsync()
    {
        Book.StopAll(time.GetUtcNow());
        await SaveIfAsync(true);
    }

    public Task<FleetSeries> SeriesAsync(int minutes) => Task.FromResult(Book.Series(time.GetUtcNow(), minutes));

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var book = Book;
        var members = await membership.GetMembersAsync(cancellationToken);
        var alive = await _driver.ProbeAsync(book, cancellationToken);
        var outcome = FleetReconciler.Reconcile(book, members, alive, now, _options);
        var changed = outcome.Changed;
        changed |= await _driver.StopAsync(book, outcome.Stops, cancellationToken);
        changed |= await _driver.LaunchPendingAsync(book, now, cancellationToken);
        changed |= await SampleAsync(now);
        await SaveIfAsync(changed);
    }

    /// <summary>Refreshes the current minute's point; true when it opened a new minute (then the state is saved).</summary>
    private async Task<bool> SampleAsync(DateTimeOffset now)
    {
        var running = fleet.State.Workers.Where(w => w.State == WorkerState.Running).ToList();
        var cpu = (await CpuAsync(running, SeriesCpuWindow)).Values.OfType<double>().ToList();
        var point = new FleetMinute(SeriesMinutes.Floor(now), running.Count, cpu.Count > 0 ? cpu.Average() : null);
        return Book.Record(point);
    }

    /// <summary>Average CPU per worker; a worker whose metrics do not answer quickly counts as unknown.</summary>
    private async Task<Dictionary<string, double?>> CpuAsync(IEnumerable<WorkerRecord> workers, TimeSpan window)
    {
        var ids = workers.Select(w => w.Id).ToList();
        var answers = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await GrainFactory.GetGrain<IWorkerGrain>(id).AverageCpuAsync(window).WaitAsync(MetricsCallTimeout);
            }
            catch (Exception ex)
            {
                logger.LogDebug(ex, "No CPU figure from worker {Worker}", id);
                return null;
            }
        }));
        return ids.Zip(answers).ToDictionary(p => p.First, p => p.Second);
    }

    private async Task SaveIfAsync(bool changed)
    {
        if (!changed)
        {
            return;
        }

        try
        {
            await fleet.WriteStateAsync();
        }
        catch (InconsistentStateException)
        {
            // Another activation wrote meanwhile: this one's view of the workers is stale. Start over from storage.
            this.DeactivateOnIdle();
            throw;
        }
    }
}
