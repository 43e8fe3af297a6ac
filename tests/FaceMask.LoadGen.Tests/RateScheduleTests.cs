using FaceMask.LoadGen.Scheduling;

namespace FaceMask.LoadGen.Tests;

public sealed class RateScheduleTests
{
    [Fact]
    public void ConstantRateSpacesStartsEvenlyFromZero()
    {
        var starts = RateSchedule.Constant(20, TimeSpan.FromSeconds(60)).StartTimes().ToList();

        Assert.Equal(1200, starts.Count);
        Assert.Equal(TimeSpan.Zero, starts[0]);
        Assert.Equal(59.95, starts[^1].TotalSeconds, 9);
        Assert.All(starts.Zip(starts.Skip(1)), pair => Assert.Equal(0.05, (pair.Second - pair.First).TotalSeconds, 9));
    }

    [Fact]
    public void FractionalRequestCarriesOverIntoTheNextStep()
    {
        // 1.5 s at 1/s then 1 s at 2/s: the integral reaches 0, 1, 2, 3 at 0, 1, 1.75, 2.25 s.
        var schedule = new RateSchedule([new RateStep(TimeSpan.FromSeconds(1.5), 1), new RateStep(TimeSpan.FromSeconds(1), 2)]);

        var starts = schedule.StartTimes().Select(t => t.TotalSeconds).ToList();

        Assert.Equal([0, 1, 1.75, 2.25], starts.Select(s => Math.Round(s, 9)));
    }

    [Fact]
    public void ZeroRateStepIsASilentGap()
    {
        var schedule = RateSchedule.Parse("2s@2,3s@0,1s@4");

        var starts = schedule.StartTimes().Select(t => Math.Round(t.TotalSeconds, 9)).ToList();

        Assert.Equal([0, 0.5, 1, 1.5, 5, 5.25, 5.5, 5.75], starts);
        Assert.Equal(TimeSpan.FromSeconds(6), schedule.Duration);
    }

    [Fact]
    public void RateFactorScalesEveryStep()
    {
        var plain = RateSchedule.Parse("10s@8,10s@10");
        var doubled = RateSchedule.Parse("10s@8,10s@10", rateFactor: 2);
        var half = RateSchedule.Parse("10s@8,10s@10", rateFactor: 0.5);

        Assert.Equal(180, plain.Count());
        Assert.Equal(360, doubled.Count());
        Assert.Equal(90, half.Count());
        Assert.Equal(16, doubled.RateAt(TimeSpan.FromSeconds(3)));
        Assert.Equal(5, half.RateAt(TimeSpan.FromSeconds(15)));
        Assert.Equal(0, doubled.RateAt(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void CountRunSendsExactlyThatManyAtTheRate()
    {
        var starts = RateSchedule.ForCount(4, 10).StartTimes().ToList();

        Assert.Equal(10, starts.Count);
        Assert.Equal(2.25, starts[^1].TotalSeconds, 9);
    }

    [Fact]
    public void MaxCountCutsALongerSchedule()
    {
        var schedule = new RateSchedule([new RateStep(TimeSpan.FromMinutes(1), 100)], maxCount: 7);

        Assert.Equal(7, schedule.Count());
    }

    [Fact]
    public void LongStepTracesDoNotDriftFromTheIntegral()
    {
        // The original's step trace shape: the count is the integral of the rate, exactly.
        var schedule = RateSchedule.Parse("1m@0,1m@8,1m@10,1m@100,1m@10,1m@8,1m@0", rateFactor: 0.37);

        Assert.Equal((int)Math.Ceiling(60 * (8 + 10 + 100 + 10 + 8) * 0.37), schedule.Count());
        var starts = schedule.StartTimes().ToList();
        Assert.True(starts.Zip(starts.Skip(1)).All(p => p.Second > p.First));
        Assert.True(starts[0] >= TimeSpan.FromMinutes(1));
        Assert.True(starts[^1] < TimeSpan.FromMinutes(6));
    }

    [Theory]
    [InlineData("30s@8", 30, 8)]
    [InlineData("500ms@100", 0.5, 100)]
    [InlineData("2m@0.5", 120, 0.5)]
    [InlineData("90@3", 90, 3)]
    [InlineData("00:01:30@1", 90, 1)]
    public void ParsesDurationAtRateSteps(string text, double seconds, double rate)
    {
        var step = Assert.Single(RateSchedule.Parse(text).Steps);

        Assert.Equal(seconds, step.Duration.TotalSeconds, 9);
        Assert.Equal(rate, step.Rate);
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("@8")]
    [InlineData("30s@")]
    [InlineData("30x@8")]
    [InlineData("30s@fast")]
    [InlineData("0s@8")]
    [InlineData("-5s@8")]
    public void MalformedStepsAreRejected(string text) =>
        Assert.ThrowsAny<FormatException>(() => RateSchedule.Parse(text));

    [Fact]
    public void InvalidSchedulesAreRejectedWithTheirReason()
    {
        Assert.Contains("at least one step", Assert.Throws<ArgumentException>(() => new RateSchedule([])).Message);
        Assert.Contains("rate must be a finite number", Assert.Throws<ArgumentException>(() => RateSchedule.Parse("1s@-1")).Message);
        Assert.Contains("lasts", Assert.Throws<ArgumentException>(() => new RateSchedule([new RateStep(TimeSpan.Zero, 1)])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => RateSchedule.Constant(1, TimeSpan.FromSeconds(1), rateFactor: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RateSchedule.ForCount(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RateSchedule([new RateStep(TimeSpan.FromSeconds(1), 1)], maxCount: 0));
    }
}
