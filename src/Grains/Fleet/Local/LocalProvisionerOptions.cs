using System.ComponentModel.DataAnnotations;

namespace FaceMask.Grains.Fleet.Local;

/// <summary>Worker processes on this machine ("Fleet:Local" section).</summary>
public sealed class LocalProvisionerOptions
{
    public const string Section = "Fleet:Local";

    /// <summary>The worker program (the FaceMask.Silo apphost, or its .dll run by dotnet); default: this process's own program.</summary>
    public string? WorkerPath { get; set; }

    /// <summary>Arguments placed before the generated ones (for a wrapper program).</summary>
    public string[]? WorkerArguments { get; set; }

    /// <summary>The address worker silos listen on and advertise.</summary>
    [Required]
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>CPU quota per worker in cores (e.g. 0.5), enforced through the cgroup v1 cpu controller when writable.</summary>
    [Range(0.01, 256)]
    public double? CpuQuotaCores { get; set; }

    public string CgroupRoot { get; set; } = "/sys/fs/cgroup/cpu";

    /// <summary>Configuration sections handed down to each worker; default Cluster, Detector, Fleet, WorkerMetrics, Scaler, Logging, Worker (every silo may host the scaler, so all must agree on its period).</summary>
    public string[]? ForwardSections { get; set; }
}
