using System.Globalization;
using FaceMask.Grains.Scaling;
using FaceMask.Grains.Scaling.Simulation;

namespace FaceMask.Silo.Simulate;

/// <summary>The options of <c>simulate</c>, parsed; <see cref="Errors"/> lists every problem found.</summary>
public sealed record SimulateArguments(
    SimulationRequest Request,
    bool Json,
    bool PerMinute,
    string? SvgPath,
    bool Help,
    IReadOnlyList<string> Errors)
{
    public const string Usage = """
        Usage: simulate [--trace original|sine|spike] [--mode original|demand] [--no-noise] [--json] [--minutes]
                        [--svg PATH] [--capacity UPLOADS_PER_S] [--prior UPLOADS_PER_S] [--boot MINUTES] [--seed N]
          --trace     load trace (default original)
          --mode      scaling mode (default original); the rest of the policy is the default policy
          --no-noise  no CPU noise (default: Gaussian, σ = 1 %)
          --json      print JSON instead of a table
          --minutes   also print every simulated minute
          --svg       where to write the plot (default: a file in the temp folder, printed)
          --capacity  one worker's capacity μ at 100 % CPU (default 13)
          --prior     Demand mode's capacity prior μ0 (default 13)
          --boot      boot delay in minutes (default 2)
          --seed      noise seed (default 1)
        """;

    public static SimulateArguments Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var errors = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string trace = Traces.Original;
        var mode = ScalingMode.Original;
        bool noise = true, json = false, perMinute = false, help = false;
        string? svg = null;
        double capacity = 13, prior = ScalingPolicy.Default.CapacityPrior;
        int boot = 2, seed = 1;

        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (!seen.Add(name))
            {
                errors.Add($"{name} is given more than once.");
            }

            string? Value()
            {
                if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    return args[++i];
                }

                errors.Add($"{name} needs a value.");
                return null;
            }

            switch (name)
            {
                case "--trace":
                    if (Value() is { } t)
                    {
                        if (Traces.Names.Contains(t.ToLowerInvariant()))
                        {
                            trace = t.ToLowerInvariant();
                        }
                        else
                        {
                            errors.Add($"Unknown trace '{t}'; known traces: {string.Join(", ", Traces.Names)}.");
                        }
                    }

                    break;
                case "--mode":
                    if (Value() is { } m)
                    {
                        if (m.Equals("original", StringComparison.OrdinalIgnoreCase))
                        {
                            mode = ScalingMode.Original;
                        }
                        else if (m.Equals("demand", StringComparison.OrdinalIgnoreCase))
                        {
                            mode = ScalingMode.Demand;
                        }
                        else
                        {
                            errors.Add($"Unknown mode '{m}'; known modes: original, demand.");
                        }
                    }

                    break;
                case "--no-noise":
                    noise = false;
                    break;
                case "--json":
                    json = true;
                    break;
                case "--minutes":
                    perMinute = true;
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                case "--svg":
                    svg = Value() ?? svg;
                    break;
                case "--capacity":
                    capacity = Number(name, Value(), capacity, errors);
                    break;
                case "--prior":
                    prior = Number(name, Value(), prior, errors);
                    break;
                case "--boot":
                    boot = Integer(name, Value(), boot, errors);
                    break;
                case "--seed":
                    seed = Integer(name, Value(), seed, errors);
                    break;
                default:
                    errors.Add($"Unknown option '{name}'.");
                    break;
            }
        }

        var request = new SimulationRequest(trace, ScalingPolicy.Default with { Mode = mode, CapacityPrior = prior }, capacity, boot, noise, seed);
        if (errors.Count == 0)
        {
            errors.AddRange(Simulator.Validate(request));
        }

        return new SimulateArguments(request, json, perMinute, svg, help, errors);
    }

    private static double Number(string name, string? text, double fallback, List<string> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0)
        {
            return value;
        }

        errors.Add($"{name} must be a number greater than 0, not '{text}'.");
        return fallback;
    }

    private static int Integer(string name, string? text, int fallback, List<string> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        errors.Add($"{name} must be a whole number, not '{text}'.");
        return fallback;
    }
}
