using System.ComponentModel.DataAnnotations;

namespace FaceMask.Grains.Metrics;

/// <summary>How this silo reports its metrics ("WorkerMetrics" section).</summary>
public sealed class WorkerMetricsOptions
{
    public const string Section = "WorkerMetrics";

    /// <summary>The WorkerGrain key to report to; defaults to "Worker:Id", then to the silo name.</summary>
    public string? WorkerId { get; set; }

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Cores allotted to this worker (its CPU quota, e.g. 0.5); defaults to <see cref="Environment.ProcessorCount"/>.</summary>
    [Range(0.01, 1024)]
    public double? CpuCores { get; set; }
}
