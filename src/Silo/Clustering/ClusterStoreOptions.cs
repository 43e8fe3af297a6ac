using System.ComponentModel.DataAnnotations;

namespace FaceMask.Silo.Clustering;

/// <summary>Where the cluster keeps membership, grain state and reminders.</summary>
public enum ClusterProvider
{
    /// <summary>The embedded default: the stock AdoNet providers on one SQLite file shared by every worker on this machine.</summary>
    Sqlite,
}

/// <summary>
/// The cluster store of this worker ("Cluster" section). Orleans' own tuning sits below it and is bound
/// as is: <c>Cluster:Membership</c> → <c>ClusterMembershipOptions</c>, <c>Cluster:Reminders</c> → <c>ReminderOptions</c>.
/// </summary>
public sealed class ClusterStoreOptions
{
    public const string Section = "Cluster";

    public ClusterProvider Provider { get; set; } = ClusterProvider.Sqlite;

    /// <summary>
    /// The SQLite file every worker of the cluster and WebFront share; relative paths resolve against the
    /// working directory. No default: a worker on a file of its own would silently form a cluster of its
    /// own. WebFront passes its file to the worker it starts.
    /// </summary>
    [Required(ErrorMessage = "Cluster:SqlitePath is required: the cluster's SQLite file, the same for every worker and WebFront (WebFront passes its own to the worker it starts).")]
    public string? SqlitePath { get; set; }
}
