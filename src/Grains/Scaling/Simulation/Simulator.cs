using FaceMask.Grains.Fleet;

namespace FaceMask.Grains.Scaling.Simulation;

/// <summary>A simulator run with every tick's verdict (for tests and experiments; the report is what the page shows).</summary>
public sealed record SimulationRun(SimulationReport Report, IReadOnlyList<ScalerVerdict> Verdicts);

/// <summary>
/// A deterministic fleet in one-minute steps that runs the real <see cref="Autoscaler.Decide"/>.
/// <list type="bullet">
/// <item>The tick at the end of minute t sees minute t: λ over minute t, each worker's CPU and completed rate
/// averaged over minutes t−1 and t (what it served of them).</item>
/// <item>A worker added at tick t boots during minutes t+1 … t+BootMinutes (no metric, counted as booting) and
/// serves from minute t+BootMinutes+1; a worker removed at tick t stops serving from minute t+1. Removal picks
/// whom the real <see cref="ScaleInChooser"/> picks.</item>
/// <item>The load is split evenly over the serving workers. A worker's true utilization is min(1, λ/(s·μ)); it
/// completes μ·utilization requests/s (what it cannot serve is lost, not queued) and reports CPU =
/// 100·utilization plus seeded Gaussian noise (σ = 1 %, clamped to [0, 100]) when noise is on.</item>
/// <item>The run starts with the policy's minimum of workers, serving.</item>
/// </list>
/// </summary>
public static class Simulator
{
    public const int BootLimit = 60;
    public const double NoiseSigma = 1.0;

    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static SimulationReport Run(SimulationRequest request) => RunDetailed(request).Report;

    public static SimulationRun RunDetailed(SimulationRequest request)
    {
        var errors = Validate(request);
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(request));
        }

        return Simulate(request, Traces.Get(request.Trace));
    }

    /// <summary>
    /// A run on a trace of the caller's own, one value per tick (e.g. an experiment's time-compressed steps); the
    /// request's trace name is not looked up.
    /// </summary>
    public static SimulationRun RunDetailed(SimulationRequest request, LoadTrace trace)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(trace);
        var errors = ValidateSettings(request).ToList();
        if (trace.Load.Count == 0 || trace.Load.Any(l => !double.IsFinite(l) || l < 0))
        {
            errors.Add("A trace needs at least one load value, each a finite number ≥ 0.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(request));
        }

        return Simulate(request, trace);
    }

    private static SimulationRun Simulate(SimulationRequest request, LoadTrace trace)
    {
        var policy = request.Policy;
        var mu = request.WorkerCapacity;
        var random = new Random(request.Seed);
        var workers = new List<SimWorker>();
        var number = 0;
        for (var i = 0; i < policy.MinWorkers; i++)
        {
            workers.Add(new SimWorker(++number, addedAt: -1 - request.BootMinutes, servesFrom: 0));
        }

        var memory = ScalerMemory.Empty;
        var minutes = new List<SimulationMinute>(trace.Load.Count);
        var verdicts = new List<ScalerVerdict>(trace.Load.Count);
        for (var t = 0; t < trace.Load.Count; t++)
        {
            var load = trace.Load[t];
            var serving = workers.Where(w => w.ServesFrom <= t).ToList();
            double? meanCpu = null;
            if (serving.Count > 0)
            {
                var share = load / serving.Count;
                var utilization = Math.Min(1, share / mu);
                foreach (var worker in serving)
                {
                    var cpu = 100 * utilization + (request.Noise ? NoiseSigma * Gaussian(random) : 0);
                    worker.Minutes[t] = new WorkerMinute(Math.Clamp(cpu, 0, 100), share, mu * utilization);
                }

                meanCpu = serving.Average(w => w.Minutes[t].Cpu);
            }

            var observed = workers.ToDictionary(w => w, w => Observe(w, t));
            var verdict = Autoscaler.Decide(policy, new ScalerObservations(Start.AddMinutes(t + 1), [.. observed.Values]), memory);
            memory = verdict.Next;
            verdicts.Add(verdict);
            minutes.Add(new SimulationMinute(
                t, load, Demand(policy, load, mu), serving.Count, workers.Count - serving.Count, meanCpu,
                verdict.Action, verdict.Count, verdict.Rule));

            if (verdict.Action == ScalingAction.Grow)
            {
                for (var i = 0; i < verdict.Count; i++)
                {
                    workers.Add(new SimWorker(++number, addedAt: t, servesFrom: t + request.BootMinutes + 1));
                }
            }
            else if (verdict.Action == ScalingAction.Shrink)
            {
                var candidates = workers.Select(w => new ScaleInCandidate(
                    w.Id,
                    w.ServesFrom <= t ? WorkerState.Running : WorkerState.Starting,
                    Protected: false,
                    observed[w].CpuPercent,
                    Start.AddMinutes(w.AddedAt + 1),
                    w.Number));
                var leaving = ScaleInChooser.Choose(candidates, verdict.Count).ToHashSet();
                workers.RemoveAll(w => leaving.Contains(w.Id));
            }
        }

        var measured = Elasticity.Measure(minutes);
        var svg = SimulationPlot.Render(trace, request, minutes, measured.Metrics);
        return new SimulationRun(new SimulationReport(request, minutes, measured.Metrics, measured.SettlingTimes, svg), verdicts);
    }

    /// <summary>d_t = clamp(ceil(λ_t / (μ·u*)), min, max): the workers the load needs at the target utilization.</summary>
    public static int Demand(ScalingPolicy policy, double load, double capacity)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Math.Clamp(Text.Ceil(load / (capacity * policy.TargetUtilization())), policy.MinWorkers, policy.MaxWorkers);
    }

    /// <summary>Every problem with a request, in words; empty when it can run.</summary>
    public static IReadOnlyList<string> Validate(SimulationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new List<string>();
        if (!Traces.Names.Contains(request.Trace?.ToLowerInvariant()))
        {
            errors.Add($"Unknown trace '{request.Trace}'; known traces: {string.Join(", ", Traces.Names)}.");
        }

        errors.AddRange(ValidateSettings(request));
        return errors;
    }

    private static List<string> ValidateSettings(SimulationRequest request)
    {
        var errors = new List<string>();
        if (request.Policy is null)
        {
            errors.Add("A policy is required.");
        }
        else
        {
            errors.AddRange(PolicyRules.Validate(request.Policy).Select(e => e.Message));
        }

        if (!double.IsFinite(request.WorkerCapacity) || request.WorkerCapacity <= 0 || request.WorkerCapacity > PolicyRules.CapacityLimit)
        {
            errors.Add(Text.Of($"Worker capacity must be a number of uploads/s greater than 0 and at most {PolicyRules.CapacityLimit:0}."));
        }

        if (request.BootMinutes is < 0 or > BootLimit)
        {
            errors.Add(Text.Of($"Boot delay must be between 0 and {BootLimit} minutes."));
        }

        return errors;
    }

    private static WorkerObservation Observe(SimWorker worker, int t)
    {
        if (worker.ServesFrom > t)
        {
            return new WorkerObservation(worker.Id, Serving: false, null, null, null);
        }

        var window = new[] { t - 1, t }.Where(worker.Minutes.ContainsKey).Select(m => worker.Minutes[m]).ToList();
        return new WorkerObservation(
            worker.Id, Serving: true, window.Average(m => m.Cpu), worker.Minutes[t].Received, window.Average(m => m.Completed));
    }

    private static double Gaussian(Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private sealed record WorkerMinute(double Cpu, double Received, double Completed);

    private sealed class SimWorker(int number, int addedAt, int servesFrom)
    {
        public int Number { get; } = number;

        public int AddedAt { get; } = addedAt;

        public int ServesFrom { get; } = servesFrom;

        public string Id { get; } = Text.Of($"sim-{number}");

        public Dictionary<int, WorkerMinute> Minutes { get; } = [];
    }
}
