using System.ComponentModel.DataAnnotations;

namespace FaceMask.WebFront.Cluster;

/// <summary>Where the workers' cluster keeps its membership; the same values as the workers' "Cluster" section.</summary>
public enum ClusterProvider
{
    /// <summary>The embedded default: one SQLite file on this machine, shared with every worker.</summary>
    Sqlite,

    /// <summary>
    /// The cluster profile: the workers' MariaDB database (<c>ConnectionStrings:Cluster</c>, the same value as
    /// the workers'). Workers run as services of their own; WebFront never starts one.
    /// </summary>
    MySql,
}

/// <summary>How WebFront reaches the worker cluster ("Cluster" section).</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    public ClusterProvider Provider { get; set; } = ClusterProvider.Sqlite;

    /// <summary>
    /// The cluster's SQLite file (membership, grain state, reminders); relative paths resolve against the
    /// content root, like <c>Storage:DataDirectory</c>. WebFront reads the gateways from it and hands its
    /// absolute path to the worker it starts.
    /// </summary>
    [Required]
    public string SqlitePath { get; set; } = "data/orleans.db";

    /// <summary>Gateway port of the worker WebFront starts when none answers.</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Silo port of the worker WebFront starts when none answers.</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    [Required]
    public string ClusterId { get; set; } = "facemask";

    [Required]
    public string ServiceId { get; set; } = "facemask";

    /// <summary>Start worker #1 as a child process when no worker of the cluster answers.</summary>
    public bool StartWorker { get; set; } = true;

    /// <summary>The worker program (FaceMask.Silo apphost or .dll); defaults to the Silo build beside this checkout.</summary>
    public string? WorkerPath { get; set; }

    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan WorkerStartTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>The SQLite file as an absolute path.</summary>
    public string SqliteFile(string contentRoot) => Path.GetFullPath(SqlitePath, contentRoot);
}
