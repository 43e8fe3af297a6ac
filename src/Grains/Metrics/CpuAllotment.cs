namespace FaceMask.Grains.Metrics;

/// <summary>CPU % of a worker's allotment: 100 % means every allotted core was busy for the whole interval.</summary>
public static class CpuAllotment
{
    public static double Percent(TimeSpan cpuTime, TimeSpan wallTime, double cores)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(cores, 0);
        if (wallTime <= TimeSpan.Zero)
        {
            return 0;
        }

        // Not capped at 100: above it means the allotment is not enforced (no CPU quota), which is worth seeing.
        return Math.Max(0, cpuTime.TotalSeconds / wallTime.TotalSeconds / cores * 100);
    }
}
