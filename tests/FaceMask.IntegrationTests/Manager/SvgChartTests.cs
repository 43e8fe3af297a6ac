using System.Text.RegularExpressions;
using FaceMask.Grains.Fleet;
using FaceMask.WebFront.Manager;

namespace FaceMask.IntegrationTests.Manager;

public sealed class SvgChartTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MissingMinutesBreakTheLineInsteadOfDroppingToZero()
    {
        // 30 minutes: data, a 5-minute gap, data, a lone minute, then nothing.
        var values = Enumerable.Range(0, 30).Select(i => i switch
        {
            < 10 => 40.0 + i,
            < 15 => (double?)null,
            < 25 => 60.0,
            27 => 10.0,
            _ => null,
        });
        var points = values.Select((v, i) => new SeriesPoint(Start.AddMinutes(i), v)).ToList();

        var svg = SvgChart.Render("cpu", "CPU", points, "%", 100);

        Assert.Contains("data-points=\"30\"", svg);
        Assert.Contains("data-gaps=\"9\"", svg);
        Assert.Equal(2, Regex.Matches(svg, "<polyline").Count);
        Assert.Single(Regex.Matches(svg, "<circle"));
        Assert.Equal(10, PointsOf(svg, 0));
        Assert.Equal(10, PointsOf(svg, 1));
        Assert.Contains(">10:00<", svg);
        Assert.Contains(">10:29<", svg);
        Assert.Contains(">100%<", svg);
    }

    [Fact]
    public void ASeriesWithoutDataSaysSo()
    {
        var points = Enumerable.Range(0, 30).Select(i => new SeriesPoint(Start.AddMinutes(i), null)).ToList();

        var svg = SvgChart.Render("workers", "Workers", points);

        Assert.Contains("no data yet", svg);
        Assert.DoesNotContain("<polyline", svg);
    }

    [Fact]
    public void TitlesAreEncoded()
    {
        var svg = SvgChart.Render("x", "<script>alert(1)</script>", [new SeriesPoint(Start, 1)]);

        Assert.DoesNotContain("<script>", svg);
        Assert.Contains("&lt;script&gt;", svg);
    }

    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(7.5, 10)]
    [InlineData(120, 200)]
    [InlineData(480000, 500000)]
    public void AxisTopIsARoundNumberAboveTheData(double max, double expected) =>
        Assert.Equal(expected, SvgChart.NiceCeiling(max), 6);

    private static int PointsOf(string svg, int polyline) =>
        Regex.Matches(svg, "<polyline class=\"line\" points=\"([^\"]*)\"")[polyline].Groups[1].Value.Split(' ').Length;
}
