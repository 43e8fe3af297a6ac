using BenchmarkDotNet.Running;
using FaceMask.Benchmarks;
using FaceMask.Benchmarks.Http;

// "http": WebFront's overhead against the detector in process (see Http/HttpBenchmark.cs); not BenchmarkDotNet.
if (args is ["http", ..])
{
    return await HttpBenchmark.RunAsync(args[1..], Console.Out, CancellationToken.None);
}

// BenchmarkDotNet rejects options it does not know, so --quick is taken out before it parses the rest.
var quick = args.Contains("--quick");
var benchmarkArgs = args.Where(a => a != "--quick").ToArray();
if (benchmarkArgs.Length == 0)
{
    // Without a filter the switcher asks on the console, which a script cannot answer.
    benchmarkArgs = ["--filter", "*"];
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(benchmarkArgs, BenchmarkConfig.Create(quick));
foreach (var summary in summaries)
{
    PipelineReport.Print(summary, Console.Out);
}

return 0;
