using FaceMask.LoadGen.Cli;

namespace FaceMask.LoadGen.Tests;

public sealed class CliArgsTests
{
    private static CliArgs Run(params string[] args) =>
        new(args, ["rate", "duration", "count", "schedule", "rate-factor", "setting"], ["local"], ["setting"]);

    [Fact]
    public void RateAndDurationMakeAConstantSchedule() =>
        Assert.Equal(1200, Commands.ScheduleFrom(Run("--rate", "20", "--duration", "60s")).Count());

    [Fact]
    public void RateAndCountMakeACountedSchedule() =>
        Assert.Equal(7, Commands.ScheduleFrom(Run("--rate=5", "--count", "7")).Count());

    [Fact]
    public void ScheduleTakesTheRateFactor()
    {
        Assert.Equal(60, Commands.ScheduleFrom(Run("--schedule", "10s@1,10s@2", "--rate-factor", "2")).Count());
        Assert.Throws<UsageException>(() => Commands.ScheduleFrom(Run("--schedule", "10s@1", "--rate-factor", "0")));
    }

    [Theory]
    [InlineData("--schedule", "10s@1", "--rate", "3")]
    [InlineData("--rate", "3")]
    [InlineData("--duration", "3s")]
    [InlineData("--rate", "0", "--duration", "3s")]
    [InlineData("--rate", "abc", "--duration", "3s")]
    [InlineData("--rate", "3", "--duration", "soon")]
    [InlineData("--schedule", "10s@x")]
    public void ContradictoryOrMissingScheduleOptionsAreUsageErrors(params string[] args) =>
        Assert.Throws<UsageException>(() => Commands.ScheduleFrom(Run(args)));

    [Fact]
    public void UnknownRepeatedOrValuelessOptionsAreUsageErrors()
    {
        Assert.Contains("Unknown option --nope", Assert.Throws<UsageException>(() => Run("--nope", "1")).Message);
        Assert.Contains("given twice", Assert.Throws<UsageException>(() => Run("--rate", "1", "--rate", "2")).Message);
        Assert.Contains("needs a value", Assert.Throws<UsageException>(() => Run("--rate")).Message);
        Assert.Contains("Unexpected argument", Assert.Throws<UsageException>(() => Run("stray")).Message);
    }

    [Fact]
    public void RepeatableOptionsCollectEveryValue()
    {
        var cl = Run("--setting", "--A=1", "--setting=--B=2", "--local");

        Assert.Equal(["--A=1", "--B=2"], cl.All("setting"));
        Assert.True(cl.Flag("local"));
    }

    [Fact]
    public void ClientLevelsParseAsAList()
    {
        Assert.Equal([1, 2, 8], Commands.ParseClients("1, 2,8"));
        Assert.Throws<UsageException>(() => Commands.ParseClients("1,0"));
    }

    [Theory]
    [InlineData("fly")]
    [InlineData("run", "--rate", "1")]
    [InlineData("closed", "--url", "http://127.0.0.1:1")]
    [InlineData("run", "--url", "ftp://x", "--rate", "1", "--count", "1")]
    [InlineData("run", "--url", "http://127.0.0.1:1", "--rate", "1", "--count", "1", "--endpoint", "upload")]
    public async Task BadCommandLinesExitWithCodeTwoAndTheUsage(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = await Commands.MainAsync(args, output, error, TestContext.Current.CancellationToken);

        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error.ToString());
        Assert.Contains("FaceMask load generator", error.ToString());
    }
}
