using FaceMask.Grains.Fleet;

namespace FaceMask.Tests.Fleet;

public sealed class WorkerMetricsHistoryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TwoHoursOfSamplesKeepTenMinutesRawAndSixtyMinutesAggregated()
    {
        var history = new WorkerMetricsHistory();
        var now = Start;
        for (var i = 0; i < 2 * 60 * 12; i++)
        {
            now = now.AddSeconds(5);
            history.Add(Sample(now, 50), now);
            Assert.InRange(history.RawCount, 0, 120);
            Assert.InRange(history.MinuteCount, 0, 60);
        }

        Assert.Equal(120, history.RawCount);
        Assert.Equal(60, history.MinuteCount);
    }

    [Fact]
    public void RawSamplesAreCappedEvenWhenTheyArriveFasterThanExpected()
    {
        var history = new WorkerMetricsHistory();
        for (var i = 0; i < 5000; i++)
        {
            history.Add(Sample(Start, 50, interval: 0.1), Start.AddMilliseconds(i * 100));
        }

        Assert.Equal(WorkerMetricsHistory.MaxRawSamples, history.RawCount);
    }

    [Fact]
    public void AverageCpuCoversOnlyTheWindowAndIsNullWhenItHoldsNothing()
    {
        var history = new WorkerMetricsHistory();
        history.Add(Sample(Start, 90), Start);
        history.Add(Sample(Start, 10), Start.AddMinutes(3));

        var now = Start.AddMinutes(3).AddSeconds(1);
        Assert.Equal(10, history.AverageCpu(now, TimeSpan.FromMinutes(2)));
        Assert.Equal(50, history.AverageCpu(now, TimeSpan.FromMinutes(5)));
        Assert.Null(history.AverageCpu(Start.AddMinutes(6), TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public void WindowsLongerThanTheRawRetentionUseTheMinutes()
    {
        var history = new WorkerMetricsHistory();
        history.Add(Sample(Start, 40, interval: 60), Start.AddSeconds(30));
        history.Add(Sample(Start, 20, interval: 60), Start.AddMinutes(20).AddSeconds(30));

        var now = Start.AddMinutes(25);
        Assert.Equal(20, history.AverageCpu(now, TimeSpan.FromMinutes(10)));
        Assert.Equal(30, history.AverageCpu(now, TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public void AMinuteOlderThanAnHourIsAGapEvenIfItsSlotWasNeverReused()
    {
        var history = new WorkerMetricsHistory();
        history.Add(Sample(Start, 40), Start.AddSeconds(10));

        var series = history.Series(Start.AddMinutes(60).AddSeconds(10), 60);

        Assert.All(series.CpuPercent, p => Assert.Null(p.Value));
        Assert.Null(history.Latest(Start.AddMinutes(11)));
    }

    [Fact]
    public void SeriesAlwaysHasTheAskedNumberOfPointsWithinAnHour()
    {
        var history = new WorkerMetricsHistory();

        Assert.Single(history.Series(Start, 0).CpuPercent);
        Assert.Equal(30, history.Series(Start, 30).CpuPercent.Count);
        Assert.Equal(60, history.Series(Start, 500).BytesOutPerMinute.Count);
        Assert.Equal(Start, history.Series(Start.AddSeconds(59), 30).CpuPercent[^1].Minute);
    }

    [Theory]
    [InlineData(double.NaN, 5)]
    [InlineData(-1, 5)]
    [InlineData(50, 0)]
    [InlineData(50, double.PositiveInfinity)]
    public void NonsenseSamplesAreRejected(double cpu, double interval)
    {
        var history = new WorkerMetricsHistory();

        Assert.Throws<ArgumentException>(() => history.Add(Sample(Start, cpu, interval), Start));
        Assert.Equal(0, history.RawCount);
    }

    private static WorkerSample Sample(DateTimeOffset at, double cpu, double interval = 5) =>
        new(at, interval, cpu, 1, 1, 100, 100, 1000);
}
