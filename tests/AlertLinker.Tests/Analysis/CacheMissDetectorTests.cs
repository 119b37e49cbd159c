using AlertLinker.Analysis;

namespace AlertLinker.Tests.Analysis;

public sealed class CacheMissDetectorTests
{
    private static Trace Lookups(int hits, int misses)
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "catalog", "GET /products", 0, 500);
        for (var i = 0; i < hits + misses; i++)
            trace.Add(root, "catalog", "GET", 10 + i * 20, 2, attributes: [("db.system", "redis"), ("cache.hit", i < hits ? "true" : "false")]);
        return trace.Build();
    }

    [Fact]
    public void MostlyMissedCacheLookUpsAreReportedWithTheirCount()
    {
        var misses = TraceAnalyzer.Analyze(Lookups(hits: 2, misses: 6)).CacheMisses!;

        Assert.Equal((8, 6, "redis"), (misses.Lookups, misses.Misses, misses.System));
        Assert.Equal("cache misses: 6 of 8 redis look-ups missed (catalog); high miss rates show up as latency spikes", misses.Summary);
    }

    [Fact]
    public void ACacheThatMostlyHitsIsNotReported()
    {
        Assert.Null(TraceAnalyzer.Analyze(Lookups(hits: 7, misses: 1)).CacheMisses);
    }

    [Fact]
    public void RedisSpansThatDoNotSayWhetherTheyHitAreNotCountedAsMisses()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "catalog", "GET /products", 0, 500);
        for (var i = 0; i < 5; i++)
            trace.Add(root, "catalog", "GET", 10 + i * 20, 2, attributes: [("db.system", "redis")]);

        Assert.Null(TraceAnalyzer.Analyze(trace.Build()).CacheMisses);
    }
}
