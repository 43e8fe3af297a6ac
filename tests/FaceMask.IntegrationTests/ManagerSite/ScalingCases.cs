namespace FaceMask.IntegrationTests.ManagerSite;

/// <summary>
/// One bad value per rule of the policy (field, value) with the messages each gives, for the page's form and the
/// API's JSON alike; the rest of the policy is the default. Only values a form or JSON can carry (no NaN).
/// </summary>
public static class ScalingCases
{
    public static readonly IReadOnlyDictionary<string, (Dictionary<string, string> Values, (string Field, string Message)[] Errors)> Invalid =
        new Dictionary<string, (Dictionary<string, string>, (string, string)[])>
        {
            ["grow threshold zero"] = (new() { ["grow_cpu_percent"] = "0" }, [("grow_cpu_percent", "CPU grow threshold must be greater than 0."), ("grow_cpu_percent", "CPU grow threshold must be greater than the CPU shrink threshold.")]),
            ["grow threshold over 100"] = (new() { ["grow_cpu_percent"] = "101" }, [("grow_cpu_percent", "CPU grow threshold must be at most 100.")]),
            ["shrink threshold zero"] = (new() { ["shrink_cpu_percent"] = "0" }, [("shrink_cpu_percent", "CPU shrink threshold must be greater than 0.")]),
            ["shrink threshold over 100"] = (new() { ["grow_cpu_percent"] = "100", ["shrink_cpu_percent"] = "100.5" }, [("shrink_cpu_percent", "CPU shrink threshold must be at most 100."), ("grow_cpu_percent", "CPU grow threshold must be greater than the CPU shrink threshold.")]),
            ["grow not above shrink"] = (new() { ["grow_cpu_percent"] = "30", ["shrink_cpu_percent"] = "30" }, [("grow_cpu_percent", "CPU grow threshold must be greater than the CPU shrink threshold.")]),
            ["grow ratio 1.0"] = (new() { ["grow_ratio"] = "1.0" }, [("grow_ratio", "Grow ratio must be greater than 1.0.")]),
            ["shrink ratio negative"] = (new() { ["shrink_ratio"] = "-0.5" }, [("shrink_ratio", "Shrink ratio must be at least 0.0 and less than 1.0.")]),
            ["shrink ratio 1.0"] = (new() { ["shrink_ratio"] = "1" }, [("shrink_ratio", "Shrink ratio must be at least 0.0 and less than 1.0.")]),
            ["grow ratio not above shrink ratio"] = (new() { ["grow_ratio"] = "0.5", ["shrink_ratio"] = "0.9" }, [("grow_ratio", "Grow ratio must be greater than 1.0."), ("grow_ratio", "Grow ratio must be greater than the shrink ratio.")]),
            ["min workers zero"] = (new() { ["min_workers"] = "0" }, [("min_workers", "Minimum workers must be at least 1.")]),
            ["min workers over 64"] = (new() { ["min_workers"] = "65", ["max_workers"] = "64" }, [("min_workers", "Minimum workers must be at most 64."), ("max_workers", "Maximum workers must be at least the minimum workers.")]),
            ["max workers over 64"] = (new() { ["max_workers"] = "65" }, [("max_workers", "Maximum workers must be at most 64.")]),
            ["max below min"] = (new() { ["min_workers"] = "3", ["max_workers"] = "2" }, [("max_workers", "Maximum workers must be at least the minimum workers.")]),
            ["cooldown negative"] = (new() { ["cooldown_ticks"] = "-1" }, [("cooldown_ticks", "Cooldown must be between 0 and 60 ticks.")]),
            ["cooldown over 60"] = (new() { ["cooldown_ticks"] = "61" }, [("cooldown_ticks", "Cooldown must be between 0 and 60 ticks.")]),
            ["stabilization zero"] = (new() { ["stabilization_ticks"] = "0" }, [("stabilization_ticks", "Stabilization window must be between 1 and 60 ticks.")]),
            ["stabilization over 60"] = (new() { ["stabilization_ticks"] = "61" }, [("stabilization_ticks", "Stabilization window must be between 1 and 60 ticks.")]),
            ["capacity prior zero"] = (new() { ["capacity_prior"] = "0" }, [("capacity_prior", "Capacity prior must be a number of requests/s greater than 0 and at most 100000.")]),
            ["capacity prior too large"] = (new() { ["capacity_prior"] = "100001" }, [("capacity_prior", "Capacity prior must be a number of requests/s greater than 0 and at most 100000.")]),
            ["several at once"] = (new() { ["grow_cpu_percent"] = "20", ["shrink_cpu_percent"] = "30", ["cooldown_ticks"] = "99" }, [("grow_cpu_percent", "CPU grow threshold must be greater than the CPU shrink threshold."), ("cooldown_ticks", "Cooldown must be between 0 and 60 ticks.")]),
        };

    /// <summary>Values that are not numbers at all: caught before the rules, by field.</summary>
    public static readonly IReadOnlyDictionary<string, (Dictionary<string, string> Values, (string Field, string Message)[] Errors)> Unreadable =
        new Dictionary<string, (Dictionary<string, string>, (string, string)[])>
        {
            ["text for a threshold"] = (new() { ["grow_cpu_percent"] = "lots" }, [("grow_cpu_percent", "CPU grow threshold must be a number.")]),
            ["fraction for a count"] = (new() { ["max_workers"] = "2.5" }, [("max_workers", "Maximum workers must be a whole number.")]),
            ["unknown mode"] = (new() { ["mode"] = "Turbo" }, [("mode", "Mode must be Original or Demand.")]),
            ["numeric mode"] = (new() { ["mode"] = "1" }, [("mode", "Mode must be Original or Demand.")]),
        };

    public static readonly Dictionary<string, string> Default = new()
    {
        ["grow_cpu_percent"] = "65", ["shrink_cpu_percent"] = "25", ["grow_ratio"] = "2", ["shrink_ratio"] = "0.1",
        ["min_workers"] = "1", ["max_workers"] = "8", ["cooldown_ticks"] = "1", ["mode"] = "Original",
        ["stabilization_ticks"] = "2", ["capacity_prior"] = "13",
    };

    public static TheoryData<string> InvalidNames() => [.. Invalid.Keys];

    public static TheoryData<string> UnreadableNames() => [.. Unreadable.Keys];

    /// <summary>The default policy with <paramref name="values"/> over it.</summary>
    public static Dictionary<string, string> Over(Dictionary<string, string> values)
    {
        var all = new Dictionary<string, string>(Default);
        foreach (var (field, value) in values)
        {
            all[field] = value;
        }

        return all;
    }

    /// <summary>The same values as a JSON object: numbers as numbers, the mode and anything else as strings.</summary>
    public static string Json(Dictionary<string, string> values) =>
        "{" + string.Join(", ", values.Select(v => $"\"{v.Key}\": " + (v.Key == "mode" || !IsNumber(v.Value) ? $"\"{v.Value}\"" : v.Value))) + "}";

    private static bool IsNumber(string value) =>
        double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
}
