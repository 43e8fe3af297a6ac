using System.ComponentModel.DataAnnotations;

namespace FaceMask.Silo;

/// <summary>Where this worker silo listens and which cluster it joins ("Worker" section).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Shown to users as the worker that ran their detection.</summary>
    [Required]
    public string Name { get; set; } = "worker-1";

    /// <summary>Silo-to-silo port on 127.0.0.1; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Client gateway port on 127.0.0.1; 0 picks a free one. Clients find it in the cluster store.</summary>
    [Range(0, 65535)]
    public int GatewayPort { get; set; } = 30000;

    [Required]
    public string ClusterId { get; set; } = "facemask";

    [Required]
    public string ServiceId { get; set; } = "facemask";

    /// <summary>When set, the worker stops once this process is gone (the WebFront that started it).</summary>
    public int? ParentProcessId { get; set; }
}
