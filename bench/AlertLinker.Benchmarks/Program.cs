using AlertLinker.Analysis;
using AlertLinker.Benchmarks;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// `accept` measures durable accept against a bare endpoint in one run (see docs/benchmarks.md); `accept-bare PORT`
// is that bare endpoint, started by `accept` as a process of its own.
if (args is ["accept", ..])
    return await AcceptBenchmark.RunAsync(args[1..]);
if (args is ["accept-bare", ..])
    return await AcceptBenchmark.ServeBareAsync(args[1..]);
// `accept-intake PORT --durable FILE`: AlertLinker's request path with its accept a log append (the bound of any store).
if (args is ["accept-intake", ..])
    return await IntakeOnlyServer.ServeAsync(args[1..]);
// `stores`: the SQLite and PostgreSQL stores side by side, same run (accept and delivery throughput at the store seam).
if (args is ["stores", ..])
    return await StoreBenchmark.RunAsync(args[1..]);

// `samples` prints what the analysis says about each benchmark trace (a sanity check of the shapes);
// anything else goes to BenchmarkDotNet, e.g. `--filter '*' --job short`.
if (args is ["samples"])
{
    foreach (var trace in new[] { SyntheticTraces.WideNPlusOne(10_000), SyntheticTraces.DeepChain(10_000), SyntheticTraces.RandomTree(10_000), SyntheticTraces.Messaging(10_000) })
    {
        var insights = TraceAnalyzer.Analyze(trace);
        Console.WriteLine($"== {trace.TraceId}: {insights.SpanCount} spans, {insights.Duration.TotalMilliseconds} ms");
        foreach (var finding in insights.Findings)
            Console.WriteLine($"- {finding.Summary}");
        Console.WriteLine(insights.Waterfall);
        Console.WriteLine();
    }
    return 0;
}

// Results go beside the binaries (ignored by git) unless --artifacts says otherwise.
var config = DefaultConfig.Instance.WithArtifactsPath(Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts"));
BenchmarkSwitcher.FromAssembly(typeof(AnalyzeBenchmarks).Assembly).Run(args, config);
return 0;
