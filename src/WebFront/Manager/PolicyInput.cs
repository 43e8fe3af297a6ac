using System.Globalization;
using System.Text.Json;
using FaceMask.Grains.Scaling;

namespace FaceMask.WebFront.Manager;

/// <summary>
/// A scaling policy as people and scripts type it: the page's form fields or the API's JSON object, both named by
/// <see cref="PolicyFields"/>. Values that are not numbers (or whole numbers, or a mode) get a message by field here;
/// the policy's own rules are checked by the policy grain, the one place that decides what is valid.
/// </summary>
public static class PolicyInput
{
    public sealed record Parsed(ScalingPolicy? Policy, IReadOnlyList<PolicyError> Errors);

    public static readonly IReadOnlyList<(string Field, string Label)> Fields =
    [
        (PolicyFields.GrowCpu, "CPU grow threshold"),
        (PolicyFields.ShrinkCpu, "CPU shrink threshold"),
        (PolicyFields.GrowRatio, "Grow ratio"),
        (PolicyFields.ShrinkRatio, "Shrink ratio"),
        (PolicyFields.MinWorkers, "Minimum workers"),
        (PolicyFields.MaxWorkers, "Maximum workers"),
        (PolicyFields.CooldownTicks, "Cooldown"),
        (PolicyFields.Mode, "Mode"),
        (PolicyFields.StabilizationTicks, "Stabilization window"),
        (PolicyFields.CapacityPrior, "Capacity prior"),
    ];

    private static readonly HashSet<string> Whole = [PolicyFields.MinWorkers, PolicyFields.MaxWorkers, PolicyFields.CooldownTicks, PolicyFields.StabilizationTicks];

    /// <summary>The form's text of each field of <paramref name="policy"/>, as the page shows it.</summary>
    public static IReadOnlyDictionary<string, string> Texts(ScalingPolicy policy) => new Dictionary<string, string>
    {
        [PolicyFields.GrowCpu] = Number(policy.GrowCpuPercent),
        [PolicyFields.ShrinkCpu] = Number(policy.ShrinkCpuPercent),
        [PolicyFields.GrowRatio] = Number(policy.GrowRatio),
        [PolicyFields.ShrinkRatio] = Number(policy.ShrinkRatio),
        [PolicyFields.MinWorkers] = Number(policy.MinWorkers),
        [PolicyFields.MaxWorkers] = Number(policy.MaxWorkers),
        [PolicyFields.CooldownTicks] = Number(policy.CooldownTicks),
        [PolicyFields.Mode] = policy.Mode.ToString(),
        [PolicyFields.StabilizationTicks] = Number(policy.StabilizationTicks),
        [PolicyFields.CapacityPrior] = Number(policy.CapacityPrior),
    };

    /// <summary>Every field is required, as typed text (invariant culture: a dot for decimals).</summary>
    public static Parsed FromTexts(Func<string, string?> text)
    {
        var errors = new List<PolicyError>();
        var numbers = new Dictionary<string, double>();
        ScalingMode mode = default;
        foreach (var (field, label) in Fields)
        {
            var value = text(field)?.Trim();
            if (string.IsNullOrEmpty(value))
            {
                errors.Add(new PolicyError(field, $"{label} is required."));
            }
            else if (field == PolicyFields.Mode)
            {
                if (!TryMode(value, out mode))
                {
                    errors.Add(new PolicyError(field, "Mode must be Original or Demand."));
                }
            }
            else if (Whole.Contains(field))
            {
                if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                {
                    numbers[field] = whole;
                }
                else
                {
                    errors.Add(new PolicyError(field, $"{label} must be a whole number."));
                }
            }
            else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                numbers[field] = number;
            }
            else
            {
                errors.Add(new PolicyError(field, $"{label} must be a number."));
            }
        }

        return errors.Count > 0 ? new Parsed(null, errors) : new Parsed(Build(numbers, mode), []);
    }

    /// <summary>A JSON object; fields left out keep their value in <paramref name="current"/>.</summary>
    public static Parsed FromJson(JsonElement body, ScalingPolicy current)
    {
        var texts = Texts(current).ToDictionary();
        var errors = new List<PolicyError>();
        foreach (var property in body.EnumerateObject())
        {
            var label = Fields.FirstOrDefault(f => f.Field == property.Name).Label;
            if (label is null)
            {
                errors.Add(new PolicyError(property.Name, $"Unknown field '{property.Name}'; the fields are {string.Join(", ", Fields.Select(f => f.Field))}."));
                continue;
            }

            var value = property.Value;
            if (property.Name == PolicyFields.Mode)
            {
                if (value.ValueKind == JsonValueKind.String)
                {
                    texts[property.Name] = value.GetString()!;
                    continue;
                }

                errors.Add(new PolicyError(property.Name, "Mode must be Original or Demand."));
            }
            else if (value.ValueKind == JsonValueKind.Number)
            {
                texts[property.Name] = value.GetRawText();
            }
            else
            {
                errors.Add(new PolicyError(property.Name, $"{label} must be a{(Whole.Contains(property.Name) ? " whole" : "")} number."));
            }
        }

        return errors.Count > 0 ? new Parsed(null, errors) : FromTexts(f => texts[f]);
    }

    public static string Label(string field) => Fields.FirstOrDefault(f => f.Field == field).Label ?? field;

    private static bool TryMode(string value, out ScalingMode mode) =>
        Enum.TryParse(value, ignoreCase: true, out mode) && Enum.IsDefined(mode) && !int.TryParse(value, out _);

    private static ScalingPolicy Build(Dictionary<string, double> n, ScalingMode mode) => new(
        n[PolicyFields.GrowCpu], n[PolicyFields.ShrinkCpu], n[PolicyFields.GrowRatio], n[PolicyFields.ShrinkRatio],
        (int)n[PolicyFields.MinWorkers], (int)n[PolicyFields.MaxWorkers], (int)n[PolicyFields.CooldownTicks], mode,
        (int)n[PolicyFields.StabilizationTicks], n[PolicyFields.CapacityPrior]);

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
