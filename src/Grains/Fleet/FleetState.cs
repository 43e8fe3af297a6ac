namespace FaceMask.Grains.Fleet;

/// <summary>The fleet's persisted state: workers (live ones plus a bounded history) and an hour of series.</summary>
[GenerateSerializer, Alias("facemask.FleetState")]
public sealed class FleetState
{
    [Id(0)]
    public List<WorkerRecord> Workers { get; set; } = [];

    /// <summary>The N of the next worker-N: names are never reused, so a name means one worker forever.</summary>
    [Id(1)]
    public int NextNumber { get; set; } = 1;

    /// <summary>Set by "stop all": no replacement and no adoption until workers are asked for again.</summary>
    [Id(2)]
    public bool Stopped { get; set; }

    [Id(3)]
    public int ConsecutiveLaunchFailures { get; set; }

    /// <summary>Back-off after launches that failed, so a broken launch does not spin.</summary>
    [Id(4)]
    public DateTimeOffset? LaunchesBlockedUntil { get; set; }

    /// <summary>One point per minute, at most <see cref="SeriesMinutes.Retention"/>.</summary>
    [Id(5)]
    public List<FleetMinute> Series { get; set; } = [];

    /// <summary>
    /// The size the fleet keeps itself at, like an auto-scaling group's desired capacity: set by add, remove and
    /// stop; failed workers are replaced up to it, and adopted ones count towards it, so a restart that brings a
    /// first worker back plus replacements for the dead ones does not grow the fleet.
    /// </summary>
    [Id(6)]
    public int DesiredWorkers { get; set; }

    /// <summary>The scaling policy's minimum (set through <see cref="IFleetGrain.SetBoundsAsync"/>); null = <see cref="FleetOptions.MinWorkers"/>.</summary>
    [Id(7)]
    public int? MinWorkers { get; set; }

    /// <summary>The scaling policy's maximum; null = <see cref="FleetOptions.MaxWorkers"/>.</summary>
    [Id(8)]
    public int? MaxWorkers { get; set; }
}

/// <summary>One worker as the fleet tracks it; <see cref="ToInfo"/> is what the operator sees.</summary>
[GenerateSerializer, Immutable, Alias("facemask.WorkerRecord")]
public sealed record WorkerRecord
{
    [Id(0)]
    public string Id { get; init; } = "";

    [Id(1)]
    public string Name { get; init; } = "";

    [Id(2)]
    public int Number { get; init; }

    [Id(3)]
    public WorkerState State { get; init; }

    /// <summary>When the worker entered <see cref="State"/>: start and drain deadlines count from here.</summary>
    [Id(4)]
    public DateTimeOffset StateSince { get; init; }

    [Id(5)]
    public string? InstanceId { get; init; }

    [Id(6)]
    public string? Address { get; init; }

    [Id(7)]
    public int SiloPort { get; init; }

    [Id(8)]
    public int GatewayPort { get; init; }

    /// <summary>Generation of the silo incarnation seen Active; 0 until then. Endpoint + generation = this worker's silo.</summary>
    [Id(9)]
    public int SiloGeneration { get; init; }

    [Id(10)]
    public DateTimeOffset LaunchedAt { get; init; }

    [Id(11)]
    public DateTimeOffset? RunningSince { get; init; }

    [Id(12)]
    public bool ScaleInProtected { get; init; }

    [Id(13)]
    public bool CpuQuotaActive { get; init; }

    /// <summary>While Draining: the provisioner has been asked to stop it.</summary>
    [Id(14)]
    public bool StopRequested { get; init; }

    [Id(15)]
    public bool Adopted { get; init; }

    [Id(16)]
    public string? Detail { get; init; }

    public bool IsActive => State is WorkerState.Pending or WorkerState.Starting or WorkerState.Running;

    public bool IsFinished => State is WorkerState.Terminated or WorkerState.Failed;

    /// <summary>
    /// A method, not a property: the cluster store's JSON serializer writes every public property, and a
    /// <see cref="WorkerInstance"/> (not a serializable type) in the stored state made the fleet unreadable.
    /// </summary>
    public WorkerInstance ToInstance() => new(Id, Name, InstanceId, Address, SiloPort, GatewayPort, CpuQuotaActive);

    public WorkerInfo ToInfo() => new(
        Id, Name, State, InstanceId, Address, SiloPort, GatewayPort, LaunchedAt, RunningSince,
        ScaleInProtected, CpuQuotaActive, Detail);
}

/// <summary>The fleet in one minute: Running workers, and their mean CPU % (null when none reported).</summary>
[GenerateSerializer, Immutable, Alias("facemask.FleetMinute")]
public sealed record FleetMinute(
    [property: Id(0)] DateTimeOffset Minute,
    [property: Id(1)] int RunningWorkers,
    [property: Id(2)] double? AverageCpuPercent);
