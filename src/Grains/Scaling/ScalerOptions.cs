using System.ComponentModel.DataAnnotations;

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
    }
}
