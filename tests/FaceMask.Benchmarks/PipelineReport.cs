using System.Globalization;
using BenchmarkDotNet.Reports;

namespace FaceMask.Benchmarks;

/// <summary>
/// After the run: per-image cost of every benchmark and whether the end-to-end paths stay within the
/// team's budget relative to <c>session.Run</c> alone.
/// </summary>
public static class PipelineReport
{
    private static readonly (string Method, double MaxRatio)[] Targets =
    [
        (nameof(PipelineBenchmarks.DetectWithoutAnnotation), 1.15),
        (nameof(PipelineBenchmarks.DetectWithAnnotation), 1.6),
    ];

    public static void Print(Summary summary, TextWriter output)
    {
        var reports = summary.Reports
            .Where(r => r.BenchmarkCase.Descriptor.Type == typeof(PipelineBenchmarks) && r.ResultStatistics is not null)
            .GroupBy(r => PerImageColumn.ImageSetOf(r.BenchmarkCase));
        foreach (var set in reports)
        {
            var means = set.ToDictionary(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name, r => r.ResultStatistics!.Mean / 1e6);
            PrintSet(set.Key, means, output);
        }
    }

    private static void PrintSet(string set, Dictionary<string, double> means, TextWriter output)
    {
        var images = ImageCorpus.Count(set);
        var baseline = means.GetValueOrDefault(nameof(PipelineBenchmarks.SessionRun));
        var invariant = CultureInfo.InvariantCulture;

        output.WriteLine();
        output.WriteLine($"Image set '{set}': {images} images per invocation, 1 thread; ratio = mean / SessionRun mean");
        output.WriteLine($"| {"Benchmark",-24} | {"ms/invocation",13} | {"ms/image",9} | {"img/s",9} | {"ratio",6} |");
        output.WriteLine($"|{new string('-', 26)}|{new string('-', 15)}|{new string('-', 11)}|{new string('-', 11)}|{new string('-', 8)}|");
        foreach (var (method, ms) in means)
        {
            var perImage = ms / images;
            var ratio = baseline > 0 ? (ms / baseline).ToString("0.000", invariant) : "NA";
            output.WriteLine(string.Create(
                invariant, $"| {method,-24} | {ms,13:0.00} | {perImage,9:0.000} | {1000 / perImage,9:0.0} | {ratio,6} |"));
        }

        output.WriteLine();
        foreach (var (method, maxRatio) in Targets)
        {
            if (baseline <= 0 || !means.TryGetValue(method, out var ms))
            {
                output.WriteLine($"{method}: not measured in this run (needs it and SessionRun).");
                continue;
            }

            var ratio = ms / baseline;
            var verdict = ratio <= maxRatio ? "MET" : "NOT MET";
            output.WriteLine(string.Create(
                invariant, $"[{set}] {method}: {ratio:0.000} x SessionRun (target <= {maxRatio:0.00}) -> {verdict}"));
        }
    }
}
