using System.Text.Json;
using FaceMask.Grains.Scaling;
using FaceMask.Grains.Scaling.Simulation;
using FaceMask.Silo.Simulate;

namespace FaceMask.Tests.Scaling;

public sealed class SimulateCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("facemask-simulate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void JsonOutputHasExactlyTheTenMetricsOfTheSimulator()
    {
        var svg = Path.Combine(_folder, "plot.svg");

        var (code, output, error) = Run("--trace", "original", "--mode", "demand", "--no-noise", "--json", "--svg", svg);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        using var json = JsonDocument.Parse(output);
        var metrics = json.RootElement.GetProperty("metrics");
        Assert.Equal(
            ["actions", "instability", "jitter", "max_settling_time", "reversals", "tau_o", "tau_u", "theta_o", "theta_u", "worker_minutes"],
            metrics.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        var expected = Simulator.Run(new SimulationRequest(
            Traces.Original, ScalingPolicy.Default with { Mode = ScalingMode.Demand }, Noise: false)).Metrics;
        Assert.Equal(expected.ThetaO, metrics.GetProperty("theta_o").GetDouble(), 3);
        Assert.Equal(expected.Instability, metrics.GetProperty("instability").GetDouble(), 3);
        Assert.Equal(expected.MaxSettlingTime, metrics.GetProperty("max_settling_time").GetInt32());
        Assert.Equal(expected.WorkerMinutes, metrics.GetProperty("worker_minutes").GetInt32());
        Assert.Equal("demand", json.RootElement.GetProperty("mode").GetString());
        Assert.Equal(svg, json.RootElement.GetProperty("svg").GetString());
        Assert.StartsWith("<svg", File.ReadAllText(svg), StringComparison.Ordinal);
        Assert.False(json.RootElement.TryGetProperty("minutes", out _));
    }

    [Fact]
    public void JsonOutputListsEveryMinuteWhenAsked()
    {
        var (code, output, _) = Run("--trace", "spike", "--json", "--minutes", "--svg", Path.Combine(_folder, "s.svg"));

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var minutes = json.RootElement.GetProperty("minutes");
        Assert.Equal(120, minutes.GetArrayLength());
        Assert.Equal("original", json.RootElement.GetProperty("mode").GetString());
        Assert.True(json.RootElement.GetProperty("noise").GetBoolean());
    }

    [Fact]
    public void TheTableNamesEveryMetricAndWhereThePlotWent()
    {
        var svg = Path.Combine(_folder, "table.svg");

        var (code, output, _) = Run("--mode", "original", "--no-noise", "--svg", svg, "--minutes");

        Assert.Equal(0, code);
        foreach (var label in new[] { "θU", "θO", "τU", "τO", "instability", "jitter", "max settling time", "actions", "reversals", "worker-minutes", $"SVG written to {svg}" })
        {
            Assert.Contains(label, output, StringComparison.Ordinal);
        }

        Assert.Contains("mean-above-grow", output, StringComparison.Ordinal);
        Assert.True(File.Exists(svg));
    }

    [Theory]
    [InlineData("Unknown trace 'weekly'", "--trace", "weekly")]
    [InlineData("Unknown mode 'fast'", "--mode", "fast")]
    [InlineData("--capacity must be a number greater than 0, not 'abc'", "--capacity", "abc")]
    [InlineData("--capacity must be a number greater than 0, not '-1'", "--capacity", "-1")]
    [InlineData("--seed must be a whole number, not '1.5'", "--seed", "1.5")]
    [InlineData("Boot delay must be between 0 and 60 minutes", "--boot", "999")]
    [InlineData("Unknown option '--fast'", "--fast")]
    [InlineData("--trace needs a value", "--trace")]
    [InlineData("--svg needs a value", "--svg", "--json")]
    [InlineData("--mode is given more than once", "--mode", "demand", "--mode", "original")]
    public void BadArgumentsExitWithTwoAndAMessageOnStandardError(string message, params string[] args)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(SimulateCommand.BadArguments, code);
        Assert.Equal("", output);
        Assert.Contains($"simulate: {message}", error, StringComparison.Ordinal);
        Assert.Contains("Usage: simulate", error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    [Fact]
    public void APlotThatCannotBeWrittenExitsWithOne()
    {
        var (code, output, error) = Run("--svg", Path.Combine(_folder, "missing", "plot.svg"));

        Assert.Equal(1, code);
        Assert.Equal("", output);
        Assert.Contains("cannot write the plot", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyTheSimulateVerbRunsTheCommand()
    {
        Assert.True(SimulateCommand.Matches(["simulate", "--json"]));
        Assert.False(SimulateCommand.Matches(["--Worker:Name=worker-2"]));
        Assert.False(SimulateCommand.Matches([]));
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = SimulateCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
