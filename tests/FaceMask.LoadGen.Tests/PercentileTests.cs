using FaceMask.LoadGen.Stats;

namespace FaceMask.LoadGen.Tests;

public sealed class PercentileTests
{
    [Fact]
    public void NearestRankOfOneToHundredIsThePercentItself()
    {
        var values = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

        Assert.Equal(50, Percentiles.NearestRank(values, 50));
        Assert.Equal(95, Percentiles.NearestRank(values, 95));
        Assert.Equal(99, Percentiles.NearestRank(values, 99));
        Assert.Equal(100, Percentiles.NearestRank(values, 100));
        Assert.Equal(1, Percentiles.NearestRank(values, 0.5));
    }

    [Fact]
    public void SmallSamplesTakeTheValueAtTheRankAboveNeverAnInterpolation()
    {
        double[] values = [10, 20, 30];

        Assert.Equal(20, Percentiles.NearestRank(values, 50));   // rank ceil(1.5) = 2
        Assert.Equal(30, Percentiles.NearestRank(values, 95));   // rank ceil(2.85) = 3
        Assert.Equal(10, Percentiles.NearestRank(values, 33.3)); // rank ceil(0.999) = 1
    }

    [Fact]
    public void SummarySortsItsInputAndReportsExtremesAndMean()
    {
        var summary = LatencySummary.Of([40, 10, 30, 20]);

        Assert.Equal(4, summary.Count);
        Assert.Equal(10, summary.Min);
        Assert.Equal(40, summary.Max);
        Assert.Equal(25, summary.Mean);
        Assert.Equal(20, summary.P50);
        Assert.Equal(40, summary.P95);
        Assert.Equal(40, summary.P99);
    }

    [Fact]
    public void TwoHundredValuesPutP99AtTheHundredNinetyEighth()
    {
        var summary = LatencySummary.Of(Enumerable.Range(1, 200).Select(i => i * 1.0).Reverse());

        Assert.Equal(100, summary.P50);
        Assert.Equal(190, summary.P95);
        Assert.Equal(198, summary.P99);
    }

    [Fact]
    public void NoValuesGiveAnEmptySummaryNotZeros()
    {
        var summary = LatencySummary.Of([]);

        Assert.Equal(0, summary.Count);
        Assert.Null(summary.P50);
        Assert.Null(summary.P99);
    }

    [Fact]
    public void PercentOutsideZeroToHundredIsRejected()
    {
        double[] values = [1, 2];

        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(values, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.NearestRank(values, 100.1));
        Assert.Throws<ArgumentException>(() => Percentiles.NearestRank([], 50));
    }
}
