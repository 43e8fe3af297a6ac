using System.Globalization;
using FaceMask.LoadGen.Scheduling;

namespace FaceMask.LoadGen.Cli;

/// <summary><c>--name value</c> options and <c>--flag</c> switches after a command word; every option must be known and used once.</summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public CliArgs(IReadOnlyList<string> args, string[] knownOptions, string[] knownFlags, string[]? repeatableOptions = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new HashSet<string>(knownOptions, StringComparer.Ordinal);
        var flags = new HashSet<string>(knownFlags, StringComparer.Ordinal);
        var repeatable = new HashSet<string>(repeatableOptions ?? [], StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument '{arg}'.");
            }

            var name = arg[2..];
            var inline = name.IndexOf('=', StringComparison.Ordinal);
            string? value = null;
            if (inline > 0)
            {
                value = name[(inline + 1)..];
                name = name[..inline];
            }

            if (flags.Contains(name) && value is null)
            {
                _flags.Add(name);
                continue;
            }

            if (!options.Contains(name))
            {
                throw new UsageException($"Unknown option --{name}.");
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"--{name} needs a value.");
                }

                value = args[++i];
            }

            if (_values.TryGetValue(name, out var list))
            {
                if (!repeatable.Contains(name))
                {
                    throw new UsageException($"--{name} is given twice.");
                }

                list.Add(value);
            }
            else
            {
                _values[name] = [value];
            }
        }
    }

    public bool Has(string name) => _values.ContainsKey(name) || _flags.Contains(name);

    public bool Flag(string name) => _flags.Contains(name);

    public string? String(string name) => _values.TryGetValue(name, out var v) ? v[0] : null;

    public IReadOnlyList<string> All(string name) => _values.TryGetValue(name, out var v) ? v : [];

    public double? Double(string name, double min = double.MinValue)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < min)
        {
            throw new UsageException($"--{name} {text}: expected a number ≥ {min.ToString(CultureInfo.InvariantCulture)}.");
        }

        return value;
    }

    public int? Int(string name, int min = int.MinValue)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new UsageException($"--{name} {text}: expected a whole number ≥ {min}.");
        }

        return value;
    }

    public TimeSpan? Duration(string name)
    {
        if (String(name) is not { } text)
        {
            return null;
        }

        try
        {
            return DurationText.Parse(text);
        }
        catch (FormatException e)
        {
            throw new UsageException($"--{name}: {e.Message}");
        }
    }
}

/// <summary>A mistake on the command line: printed with the usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
