using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FaceMask.Benchmarks;

/// <summary>Mean of one invocation spread over the images it looped over: ms/image and img/s.</summary>
public sealed class PerImageColumn : IColumn
{
    public static readonly IColumn MillisecondsPerImage = new PerImageColumn(
        "ms/image", "Mean divided by the images per invocation", "0.000", msPerImage => msPerImage);

    public static readonly IColumn ImagesPerSecond = new PerImageColumn(
        "img/s", "Images per second on one thread (1000 / ms/image)", "0.0", msPerImage => 1000 / msPerImage);

    private readonly string _format;
    private readonly Func<double, double> _fromMsPerImage;

    private PerImageColumn(string name, string legend, string format, Func<double, double> fromMsPerImage)
    {
        ColumnName = name;
        Legend = legend;
        _format = format;
        _fromMsPerImage = fromMsPerImage;
    }

    public string Id => nameof(PerImageColumn) + "." + ColumnName;

    public string ColumnName { get; }

    public string Legend { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        var images = ImageCorpus.Count(ImageSetOf(benchmarkCase));
        return mean is { } nanoseconds
            ? _fromMsPerImage(nanoseconds / 1e6 / images).ToString(_format, CultureInfo.InvariantCulture)
            : "NA";
    }

    public override string ToString() => ColumnName;

    public static string ImageSetOf(BenchmarkCase benchmarkCase) =>
        benchmarkCase.Parameters[nameof(PipelineBenchmarks.Images)] as string ?? ImageCorpus.Photos;
}
