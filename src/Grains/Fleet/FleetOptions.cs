using System.ComponentModel.DataAnnotations;

namespace FaceMask.Grains.Fleet;

/// <summary>Bounds and timings of the fleet, bound from the "Fleet" configuration section.</summary>
public sealed class FleetOptions : IValidatableObject
{
    public const string Section = "Fleet";

    [Range(0, 64)]
    public int MinWorkers { get; set; } = 1;

    [Range(1, 64)]
    public int MaxWorkers { get; set; } = 8;

    /// <summary>A launched worker whose silo is not Active in membership by then is Failed (and replaced).</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Time a removed worker gets to finish in-flight requests before it is killed.</summary>
    public TimeSpan DrainGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>After the grace, how long to wait for the worker to be seen gone before calling it Terminated anyway.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the fleet drives its workers forward and samples its series.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Deadline of one provisioner call.</summary>
    public TimeSpan ProvisionerTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Terminated and Failed workers kept for the operator to see.</summary>
    [Range(0, 1000)]
    public int HistoryLimit { get; set; } = 50;

    /// <summary>
    /// Take Active silos the fleet did not launch (the embedded default's first worker) into the worker set as
    /// Running workers whose id is their silo name.
    /// </summary>
    public bool AdoptUnknownSilos { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinWorkers > MaxWorkers)
        {
            yield return new ValidationResult(
                $"Fleet:MinWorkers ({MinWorkers}) cannot exceed Fleet:MaxWorkers ({MaxWorkers}).",
                [nameof(MinWorkers), nameof(MaxWorkers)]);
        }

        foreach (var (name, value) in new[]
                 {
                     (nameof(StartTimeout), StartTimeout), (nameof(StopTimeout), StopTimeout),
                     (nameof(TickInterval), TickInterval), (nameof(ProvisionerTimeout), ProvisionerTimeout),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                yield return new ValidationResult($"Fleet:{name} must be positive.", [name]);
            }
        }

        if (DrainGrace < TimeSpan.Zero)
        {
            yield return new ValidationResult("Fleet:DrainGrace cannot be negative.", [nameof(DrainGrace)]);
        }
    }
}
