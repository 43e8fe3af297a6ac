using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;

namespace FaceMask.Benchmarks;

public static class BenchmarkConfig
{
    /// <summary>
    /// One invocation already covers every image (hundreds of ms end to end), so a few iterations give
    /// stable means; the quick job is for checking that everything runs, not for numbers to quote.
    /// </summary>
    public static IConfig Create(bool quick)
    {
        var job = quick
            ? Job.Default.WithId("Quick").WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(3)
            : Job.Default.WithId("Pipeline").WithLaunchCount(1).WithWarmupCount(3).WithIterationCount(12);

        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumn(PerImageColumn.MillisecondsPerImage, PerImageColumn.ImagesPerSecond)
            .WithSummaryStyle(SummaryStyle.Default.WithTimeUnit(TimeUnit.Millisecond));
    }
}
