namespace FaceMask.Grains.Scaling.Simulation;

/// <summary>The metrics of a run and the settling time of each step, in step order.</summary>
public sealed record ElasticityResult(ElasticityMetrics Metrics, IReadOnlyList<int> SettlingTimes);

/// <summary>
/// SPEC RG elasticity metrics over a run, demand d_t against supply s_t (serving workers), T minutes:
/// θU = 100/T·Σ(d−s)⁺/max(d,1) and θO = 100/T·Σ(s−d)⁺/max(d,1) (%, how far under/over);
/// τU, τO = share of minutes under/over (%); instability = 100/(T−1)·Σ min(|sgn Δs − sgn Δd|, 1) (% of minute
/// pairs where supply and demand do not move the same way); jitter = (changes of s − changes of d)/T.
/// <para>
/// Segments are the maximal runs of minutes with the same demand d; a step is the first minute of every segment
/// but the first. Settling time of a step = minutes from the step until s reaches the value it holds at the end of
/// the segment and keeps it to the end (the control-theory reading: the response's final value, whether or not it
/// meets d — missing d is what θU/θO measure). A reversal is a scaling action in the opposite direction of the
/// previous action inside the same segment (grow then shrink, or shrink then grow, while demand did not change).
/// Actions = ticks that grew or shrank; worker-minutes = Σ (serving + booting), what the fleet pays for.
/// </para>
/// </summary>
public static class Elasticity
{
    public static ElasticityResult Measure(IReadOnlyList<SimulationMinute> minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        var count = minutes.Count;
        if (count == 0)
        {
            return new ElasticityResult(new ElasticityMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0), []);
        }

        double under = 0, over = 0;
        int underMinutes = 0, overMinutes = 0;
        foreach (var m in minutes)
        {
            var scale = Math.Max(m.Demand, 1);
            under += Math.Max(m.Demand - m.Serving, 0) / (double)scale;
            over += Math.Max(m.Serving - m.Demand, 0) / (double)scale;
            underMinutes += m.Serving < m.Demand ? 1 : 0;
            overMinutes += m.Serving > m.Demand ? 1 : 0;
        }

        int mismatched = 0, supplyChanges = 0, demandChanges = 0;
        for (var t = 1; t < count; t++)
        {
            var ds = Math.Sign(minutes[t].Serving - minutes[t - 1].Serving);
            var dd = Math.Sign(minutes[t].Demand - minutes[t - 1].Demand);
            mismatched += Math.Min(Math.Abs(ds - dd), 1);
            supplyChanges += ds != 0 ? 1 : 0;
            demandChanges += dd != 0 ? 1 : 0;
        }

        var segments = Segments(minutes);
        var settling = segments.Skip(1).Select(s => Settling(minutes, s.Start, s.End)).ToList();
        var reversals = segments.Sum(s => Reversals(minutes, s.Start, s.End));
        var metrics = new ElasticityMetrics(
            ThetaU: 100.0 / count * under,
            ThetaO: 100.0 / count * over,
            TauU: 100.0 / count * underMinutes,
            TauO: 100.0 / count * overMinutes,
            Instability: count > 1 ? 100.0 / (count - 1) * mismatched : 0,
            Jitter: (supplyChanges - demandChanges) / (double)count,
            MaxSettlingTime: settling.Count > 0 ? settling.Max() : 0,
            Actions: minutes.Count(m => m.Action != ScalingAction.None),
            Reversals: reversals,
            WorkerMinutes: minutes.Sum(m => m.Serving + m.Booting));
        return new ElasticityResult(metrics, settling);
    }

    /// <summary>The maximal runs of equal demand, as inclusive minute ranges.</summary>
    public static IReadOnlyList<(int Start, int End)> Segments(IReadOnlyList<SimulationMinute> minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        var segments = new List<(int, int)>();
        var start = 0;
        for (var t = 1; t <= minutes.Count; t++)
        {
            if (t == minutes.Count || minutes[t].Demand != minutes[start].Demand)
            {
                segments.Add((start, t - 1));
                start = t;
            }
        }

        return segments;
    }

    private static int Settling(IReadOnlyList<SimulationMinute> minutes, int start, int end)
    {
        var final = minutes[end].Serving;
        var from = end;
        while (from > start && minutes[from - 1].Serving == final)
        {
            from--;
        }

        return from - start;
    }

    private static int Reversals(IReadOnlyList<SimulationMinute> minutes, int start, int end)
    {
        var reversals = 0;
        var last = ScalingAction.None;
        for (var t = start; t <= end; t++)
        {
            var action = minutes[t].Action;
            if (action == ScalingAction.None)
            {
                continue;
            }

            reversals += last != ScalingAction.None && action != last ? 1 : 0;
            last = action;
        }

        return reversals;
    }
}
