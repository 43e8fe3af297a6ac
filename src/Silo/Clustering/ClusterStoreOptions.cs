using System.ComponentModel.DataAnnotations;

namespace FaceMask.Silo.Clustering;

/// <summary>Where the cluster keeps membership, grain state and reminders.</summary>
public enum ClusterProvider
{
    /// <summary>The embedded default: the stock AdoNet providers on one SQLite file shared by every worker on this machine.</summary>
    Sqlite,

    /// <summary>
    /// The cluster profile: the stock AdoNet providers on a MariaDB database (connection string
    /// <c>ConnectionStrings:Cluster</c>) shared by workers on any number of machines.
    /// </summary>
    MySql,
}

/// <summary>
/// The cluster store of this worker ("Cluster" section). Orleans' own tuning sits below it and is bound
/// as is: <c>Cluster:Membership</c> → <c>ClusterMembershipOptions</c>, <c>Cluster:Reminders</c> → <c>ReminderOptions</c>.
/// </summary>
public sealed class ClusterStoreOptions : IValidatableObject
{
    public const string Section = "Cluster";

    public ClusterProvider Provider { get; set; } = ClusterProvider.Sqlite;

    /// <summary>
    /// With <see cref="ClusterProvider.Sqlite"/>: the SQLite file every worker of the cluster and WebFront share; relative paths resolve against the
    /// working directory. No default: a worker on a file of its own would silently form a cluster of its
    /// own. WebFront passes its file to the worker it starts.
    /// </summary>
    public string? SqlitePath { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Only the provider in use needs its setting; MySQL's connection string is checked where it is read.
        if (Provider == ClusterProvider.Sqlite && string.IsNullOrWhiteSpace(SqlitePath))
        {
            yield return new ValidationResult(
                "Cluster:SqlitePath is required: the cluster's SQLite file, the same for every worker and WebFront (WebFront passes its own to the worker it starts).",
                [nameof(SqlitePath)]);
        }
    }
}
