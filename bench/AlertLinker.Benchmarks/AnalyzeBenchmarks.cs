using AlertLinker.Analysis;
using AlertLinker.Backends;
using BenchmarkDotNet.Attributes;

namespace AlertLinker.Benchmarks;

/// <summary>
/// TraceAnalyzer.Analyze on 1 000- and 10 000-span traces of four shapes: time and allocations per trace (and how they
/// scale); and, as a ratio to it in the same run, profiling the trace on the business keys (what each search result costs).
/// </summary>
[MemoryDiagnoser]
public class AnalyzeBenchmarks
{
    private Trace _trace = null!;

    [Params(1_000, 10_000)]
    public int Spans { get; set; }

    [Params("WideNPlusOne", "DeepChain", "RandomTree", "Messaging")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _trace = Shape switch
    {
        "WideNPlusOne" => SyntheticTraces.WideNPlusOne(Spans),
        "DeepChain" => SyntheticTraces.DeepChain(Spans),
        "RandomTree" => SyntheticTraces.RandomTree(Spans),
        "Messaging" => SyntheticTraces.Messaging(Spans),
        _ => throw new InvalidOperationException($"unknown shape {Shape}"),
    };

    private static readonly AnalysisOptions Before = new() { ReadRetriesCachesAndContext = false };

    /// <summary>The baseline: the analysis as it was before issue 17 (critical path, errors, fan-outs, the waterfall).</summary>
    [Benchmark(Baseline = true)]
    public TraceInsights AnalyzeBefore() => TraceAnalyzer.Analyze(_trace, Before);

    /// <summary>Everything the analysis says about one trace: the critical path, errors, fan-outs, retries, cache misses, broken context, the waterfall.</summary>
    [Benchmark]
    public TraceInsights Analyze() => TraceAnalyzer.Analyze(_trace);

    /// <summary>What a search result costs for "what the slow traces share": its values of the default business keys.</summary>
    [Benchmark]
    public TraceProfile Profile() => TraceProfiles.Of(_trace, null, false, TraceProfiles.DefaultKeys);
}
