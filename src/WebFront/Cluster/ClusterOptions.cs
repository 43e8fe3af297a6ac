using System.ComponentModel.DataAnnotations;

namespace FaceMask.WebFront.Cluster;

/// <summary>How WebFront reaches the worker cluster ("Cluster" section).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    /// <summary>Gateway port of the primary worker; the client connects here.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Silo port of the primary worker (the one WebFront starts when none answers).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Required]
    public string ClusterId { get; set; } = "facemask";

    [Required]
    public string ServiceId { get; set; } = "facemask";

    /// <summary>Start worker #1 as a child process when no silo answers on <see cref="GatewayPort"/>.</summary>
    public bool StartWorker { get; set; } = true;

    /// <summary>The worker program (FaceMask.Silo apphost or .dll); defaults to the Silo build beside this checkout.</summary>
    public string? WorkerPath { get; set; }

    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan WorkerStartTimeout { get; set; } = TimeSpan.FromSeconds(90);
}
