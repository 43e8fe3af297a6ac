using FaceMask.Grains.Fleet;
using FaceMask.Grains.Scaling;
using FaceMask.Grains.Scaling.Simulation;
using FaceMask.LoadGen.Running;
using FaceMask.LoadGen.Scheduling;
using FaceMask.LoadGen.Stats;

namespace FaceMask.LoadGen.Experiment;

/// <summary>
/// One scaler period of a run: the trace's load and the demand it means, what the load generator saw (sent and
/// answered per second, errors, latency of the answers that ended in the period) and the scaler's tick at its end
/// (null when no tick landed there). Serving and booting are what that tick observed, like the simulator's minute.
/// </summary>
public sealed record TickRow(
    int Tick,
    TimeSpan From,
    double Load,
    int Demand,
    double SentPerSecond,
    double OkPerSecond,
    int Errors,
    LatencySummary Latency,
    ScalingDecision? Decision)
{
    public int? Serving => Decision?.Workers.Count(w => w.Serving);

    public int? Booting => Decision?.Workers.Count(w => !w.Serving);

    /// <summary>The mean CPU of the serving workers that had a metric (a booting worker has none, and is not a 0 here).</summary>
    public double? MeanCpu => Decision?.Workers.Where(w => w.Serving && w.CpuPercent.HasValue).Select(w => w.CpuPercent!.Value) is { } cpus && cpus.Any()
        ? cpus.Average()
        : null;

    /// <summary>A tick whose apply failed changed nothing: no action for the metrics.</summary>
    public ScalingAction Action => Decision is { ApplyError: null } d ? d.Action : ScalingAction.None;
}

/// <summary>A run cut into scaler periods, its SPEC metrics computed as the simulator does, one tick per "minute".</summary>
public sealed record ExperimentTimeline(IReadOnlyList<TickRow> Rows, IReadOnlyList<SimulationMinute> Minutes, ElasticityResult Elasticity, int MissingTicks)
{
    /// <summary>
    /// Cuts a run into its periods. Period i covers [i·P, (i+1)·P) from the start of the load; the tick that observed
    /// it is the one at about (i+1)·P: any decision at [(i+½)·P, (i+1½)·P). A period without a tick keeps the supply
    /// of the last one that had one (the fleet does not change without a decision), and is counted as missing.
    /// Demand d_i = clamp(ceil(λ_i / (μ·u*)), min, max) with λ_i the trace's rate in the period.
    /// </summary>
    public static ExperimentTimeline Build(
        RateSchedule schedule,
        TimeSpan period,
        DateTimeOffset loadStart,
        IReadOnlyList<RequestRecord> records,
        IReadOnlyList<ScalingDecision> decisions,
        ScalingPolicy policy,
        double capacity)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(decisions);
        ArgumentNullException.ThrowIfNull(policy);
        if (period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, "The period must be positive.");
        }

        var ticks = (int)Math.Ceiling((schedule.Duration / period) - 1e-9);
        var byTick = new Dictionary<int, ScalingDecision>();
        foreach (var decision in decisions.OrderBy(d => d.At))
        {
            var tick = (int)Math.Floor(((decision.At - loadStart) / period) - 0.5);
            if (tick >= 0 && tick < ticks)
            {
                byTick.TryAdd(tick, decision);
            }
        }

        var seconds = period.TotalSeconds;
        var rows = new List<TickRow>(ticks);
        for (var i = 0; i < ticks; i++)
        {
            var from = i * period;
            var to = from + period;
            bool In(TimeSpan? at) => at is { } t && t >= from && t < to;
            var sent = records.Count(r => In(r.Start));
            var ok = records.Where(r => r.Outcome == RequestOutcome.Ok && In(r.End)).ToList();
            var errors = records.Count(r => r.Outcome != RequestOutcome.Ok && In(r.End ?? r.Scheduled));
            var load = schedule.RateAt(from + (period / 2));
            rows.Add(new TickRow(
                i, from, load, Simulator.Demand(policy, load, capacity), sent / seconds, ok.Count / seconds, errors,
                LatencySummary.Of(ok.Select(r => r.LatencyMs!.Value)), byTick.GetValueOrDefault(i)));
        }

        var minutes = new List<SimulationMinute>(ticks);
        int serving = policy.MinWorkers, booting = 0;
        foreach (var row in rows)
        {
            serving = row.Serving ?? serving;
            booting = row.Booting ?? booting;
            var action = row.Action;
            minutes.Add(new SimulationMinute(
                row.Tick, row.Load, row.Demand, serving, booting, row.MeanCpu, action,
                action == ScalingAction.None ? 0 : row.Decision!.Count, row.Decision?.Rule ?? "no-tick"));
        }

        return new ExperimentTimeline(rows, minutes, global::FaceMask.Grains.Scaling.Simulation.Elasticity.Measure(minutes), rows.Count(r => r.Decision is null));
    }

    /// <summary>Seconds from launch to Running of every worker launched at or after <paramref name="since"/> that got there.</summary>
    public static IReadOnlyList<double> BootSeconds(IEnumerable<WorkerInfo> workers, DateTimeOffset since)
    {
        ArgumentNullException.ThrowIfNull(workers);
        return [.. workers
            .Where(w => w.LaunchedAt >= since && w.RunningSince is not null)
            .Select(w => (w.RunningSince!.Value - w.LaunchedAt).TotalSeconds)
            .Order()];
    }

    /// <summary>Latency of the OK answers that ended in each step of the trace (an answer after the last step counts in the last).</summary>
    public static IReadOnlyList<LatencySummary> StepLatencies(IReadOnlyList<RequestRecord> records, TimeSpan step, int steps)
    {
        ArgumentNullException.ThrowIfNull(records);
        var ok = records.Where(r => r.Outcome == RequestOutcome.Ok && r.End is not null).ToList();
        return [.. Enumerable.Range(0, steps).Select(s => LatencySummary.Of(ok
            .Where(r => Math.Min(steps - 1, (int)(r.End!.Value / step)) == s)
            .Select(r => r.LatencyMs!.Value)))];
    }
}
