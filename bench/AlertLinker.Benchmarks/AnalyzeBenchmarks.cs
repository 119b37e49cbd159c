using AlertLinker.Analysis;
using AlertLinker.Backends;
using BenchmarkDotNet.Attributes;

namespace AlertLinker.Benchmarks;

/// <summary>TraceAnalyzer.Analyze on 1 000- and 10 000-span traces of three shapes: time and allocations per trace (and how they scale).</summary>
[MemoryDiagnoser]
public class AnalyzeBenchmarks
{
    private Trace _trace = null!;

    [Params(1_000, 10_000)]
    public int Spans { get; set; }

    [Params("WideNPlusOne", "DeepChain", "RandomTree")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup() => _trace = Shape switch
    {
        "WideNPlusOne" => SyntheticTraces.WideNPlusOne(Spans),
        "DeepChain" => SyntheticTraces.DeepChain(Spans),
        "RandomTree" => SyntheticTraces.RandomTree(Spans),
        _ => throw new InvalidOperationException($"unknown shape {Shape}"),
    };

    [Benchmark]
    public TraceInsights Analyze() => TraceAnalyzer.Analyze(_trace);
}
