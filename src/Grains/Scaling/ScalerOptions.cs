using System.ComponentModel.DataAnnotations;
using FaceMask.Grains.Fleet;

namespace FaceMask.Grains.Scaling;

/// <summary>The scaler's timing and first state, bound from the "Scaler" configuration section.</summary>
public sealed class ScalerOptions : IValidatableObject
{
    public const string Section = "Scaler";

    /// <summary>
    /// Time between ticks (the reminder's period). Below a minute it also needs
    /// <c>Cluster:Reminders:MinimumReminderPeriod</c> lowered, since Orleans refuses shorter reminders by default.
    /// </summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Whether a scaler that has never been switched is on: read once, when the scaler of a fresh system (no stored
    /// state) first activates. From then on its stored switch decides, so a manager's "off" survives restarts.
    /// </summary>
    public bool EnabledAtStart { get; set; } = true;

    /// <summary>Deadline of each worker's metrics call in a tick; a late answer counts as a missing metric.</summary>
    public TimeSpan MetricsTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The window of Demand mode's arrival rate λ̂ (the original's minute). A time-compressed experiment shortens it
    /// with <see cref="Period"/>, so that one tick still looks at one period of arrivals.
    /// </summary>
    public TimeSpan ArrivalWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The window of each worker's CPU average and completed rate (the original's 2 minutes, two ticks).</summary>
    public TimeSpan CpuWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long Demand mode keeps capacity samples for its median μ̂ (10 minutes, ten ticks).</summary>
    public TimeSpan CapacityWindow { get; set; } = CapacityEstimator.DefaultWindow;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Period < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("Scaler:Period must be at least 1 second.", [nameof(Period)]);
        }

        if (MetricsTimeout <= TimeSpan.Zero || MetricsTimeout >= Period)
        {
            yield return new ValidationResult("Scaler:MetricsTimeout must be positive and shorter than Scaler:Period.", [nameof(MetricsTimeout)]);
        }

        // A worker keeps its raw samples for WorkerMetricsHistory.RawRetention: a longer window has nothing to average.
        foreach (var (name, window) in new[] { (nameof(ArrivalWindow), ArrivalWindow), (nameof(CpuWindow), CpuWindow) })
        {
            if (window < TimeSpan.FromSeconds(1) || window > WorkerMetricsHistory.RawRetention)
            {
                yield return new ValidationResult(
                    $"Scaler:{name} must be between 1 second and {WorkerMetricsHistory.RawRetention.TotalMinutes:0} minutes.", [name]);
            }
        }

        if (CapacityWindow < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("Scaler:CapacityWindow must be at least 1 second.", [nameof(CapacityWindow)]);
        }
    }
}
