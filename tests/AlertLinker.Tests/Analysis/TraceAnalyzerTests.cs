using AlertLinker.Analysis;
using AlertLinker.Backends;

namespace AlertLinker.Tests.Analysis;

public sealed class TraceAnalyzerTests
{
    [Fact]
    public void TheSeedPictureBlamesThePostgresQueryWithItsShareOfTheTrace()
    {
        var insights = TraceAnalyzer.Analyze(TraceBuilder.Seed());

        var culprit = Assert.IsType<CulpritFinding>(insights.Culprit);
        Assert.Equal("SELECT stock", culprit.Span.Operation);
        Assert.Equal(TimeSpan.FromMilliseconds(788), culprit.SelfTime);
        Assert.Equal(TimeSpan.FromMilliseconds(800), culprit.TraceDuration);
        Assert.Equal(98, culprit.SharePercent);
        Assert.Equal("SELECT stock (inventory-service) — 788 ms, 98 % of 800 ms", culprit.Summary);
        Assert.Null(insights.ErrorOrigin);
        Assert.Empty(insights.FanOuts);
    }

    [Fact]
    public void CriticalPathSelfTimesAddUpToTheTraceDuration()
    {
        var insights = TraceAnalyzer.Analyze(TraceBuilder.Seed());

        Assert.Equal(TimeSpan.FromMilliseconds(800), insights.Duration);
        Assert.Equal(4, insights.SpanCount);
        Assert.Equal(1, insights.Roots);
        Assert.Equal(0, insights.Orphans);
    }

    [Fact]
    public void ASpanWithChildrenIsBlamedOnlyForItsOwnTime()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /report", 0, 1000);
        trace.Add(root, "api", "SELECT rows", 10, 100);
        trace.Add(root, "api", "SELECT more rows", 900, 50);

        var culprit = TraceAnalyzer.Analyze(trace.Build()).Culprit!;

        Assert.Equal("GET /report", culprit.Span.Operation);
        Assert.Equal(TimeSpan.FromMilliseconds(850), culprit.SelfTime);
        Assert.Equal("GET /report (api) — 850 ms itself (of 1000 ms), 85 % of 1000 ms", culprit.Summary);
    }

    [Fact]
    public void OverlappingChildrenAreNotCountedTwice()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "gateway", "GET /home", 0, 100);
        trace.Add(root, "users", "GET /user", 0, 90);
        trace.Add(root, "feed", "GET /feed", 10, 90);

        var culprit = TraceAnalyzer.Analyze(trace.Build()).Culprit!;

        // The feed finished last, so the request waited on it: 90 ms of the 100, never 90 + 90.
        Assert.Equal("GET /feed", culprit.Span.Operation);
        Assert.Equal(TimeSpan.FromMilliseconds(90), culprit.SelfTime);
        Assert.Equal(90, culprit.SharePercent);
    }

    [Fact]
    public void AChildStillRunningWhenItsSiblingEndsIsWaitedFor()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /", 0, 100);
        trace.Add(root, "api", "load", 0, 95);
        trace.Add(root, "api", "audit", 90, 10);

        var culprit = TraceAnalyzer.Analyze(trace.Build()).Culprit!;

        // Walking back from the audit's start (90 ms), the load is still running: the request waits on it, not on itself.
        Assert.Equal("load", culprit.Span.Operation);
        Assert.Equal(TimeSpan.FromMilliseconds(90), culprit.SelfTime);
    }

    [Fact]
    public void AChildThatOutlivesItsParentByFarIsAsynchronousAndKeepsItsTime()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "orders", "POST /order", 0, 50);
        var send = trace.Add(root, "orders", "send order-created", 40, 2);
        trace.Add(send, "billing", "on order-created", 200, 300);

        var insights = TraceAnalyzer.Analyze(trace.Build());

        Assert.Equal(TimeSpan.FromMilliseconds(500), insights.Duration);
        Assert.Equal("on order-created", insights.Culprit!.Span.Operation);
        Assert.Equal(60, insights.Culprit.SharePercent);
        Assert.Contains("   └─ billing on order-created [300ms] ← here", insights.Waterfall.Split('\n')); // still under its producer
    }

    [Fact]
    public void SequentialChildrenEachLieOnTheCriticalPath()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "POST /order", 0, 300);
        trace.Add(root, "api", "validate", 0, 100);
        trace.Add(root, "api", "charge", 100, 150);
        trace.Add(root, "api", "notify", 250, 50);

        var culprit = TraceAnalyzer.Analyze(trace.Build()).Culprit!;

        Assert.Equal("charge", culprit.Span.Operation);
        Assert.Equal(50, culprit.SharePercent);
    }

    [Fact]
    public void TheFanOutOfTwoHundredQueriesIsReportedAsAnNPlusOne()
    {
        var insights = TraceAnalyzer.Analyze(TraceBuilder.NPlusOne());

        var fanOut = Assert.Single(insights.FanOuts);
        Assert.Equal(200, fanOut.Count);
        Assert.Equal("SELECT price FROM prices WHERE id = ?", fanOut.Label);
        Assert.True(fanOut.IsStatement);
        Assert.Equal("product-service", fanOut.Service);
        Assert.Equal("GET /products", fanOut.Parent?.Operation);
        Assert.Equal(TimeSpan.FromMilliseconds(860), fanOut.Total);
        Assert.Equal(fanOut.Total, fanOut.WallTime); // one after another: a loop, not a parallel fan-out
        Assert.Equal(TimeSpan.FromMilliseconds(860), fanOut.TimeOnPath);
        Assert.Equal(95, fanOut.SharePercent);
        Assert.Equal("200 × SELECT price FROM prices WHERE id = ? to postgresql — 860 ms, 95 % of the request, from product-service GET /products", fanOut.Summary);
    }

    [Fact]
    public void AFanOutThatCostsMoreThanTheCulpritComesFirstAmongTheFindings()
    {
        var insights = TraceAnalyzer.Analyze(TraceBuilder.NPlusOne());

        Assert.IsType<FanOutFinding>(insights.Findings.First());
        Assert.Same(insights.Headline, insights.Findings.First());
        // The handler's own 25 ms (2 %) is no second "here": it is not where the time went.
        Assert.Single(insights.Findings);
    }

    [Fact]
    public void SiblingsBelowTheThresholdAreNoFanOut()
    {
        Assert.Empty(TraceAnalyzer.Analyze(TraceBuilder.NPlusOne(queries: 9)).FanOuts);
        Assert.Single(TraceAnalyzer.Analyze(TraceBuilder.NPlusOne(queries: 10)).FanOuts);
        Assert.Single(TraceAnalyzer.Analyze(TraceBuilder.NPlusOne(queries: 5), new AnalysisOptions { FanOutThreshold = 5 }).FanOuts);
    }

    [Fact]
    public void RepeatedOperationsWithoutAStatementAreAFanOutByNormalizedOperation()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "cart", "GET /cart", 0, 500);
        for (var i = 0; i < 12; i++)
            trace.Add(root, "cart", $"GET /items/{i + 1}", i * 40, 30);
        for (var i = 0; i < 12; i++)
            trace.Add(root, "pricing", $"GET /items/{i + 1}", i * 40, 5); // same shape, other service: its own group

        var fanOuts = TraceAnalyzer.Analyze(trace.Build()).FanOuts;

        Assert.Equal(2, fanOuts.Count);
        Assert.Equal(("cart", "GET /items/?", 12, false), (fanOuts[0].Service, fanOuts[0].Label, fanOuts[0].Count, fanOuts[0].IsStatement));
        Assert.Equal("pricing", fanOuts[1].Service);
    }

    [Fact]
    public void AParallelFanOutHasAWallTimeShorterThanItsTotal()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "search", "GET /search", 0, 120);
        for (var i = 0; i < 10; i++)
            trace.Add(root, "search", "query shard", 5, 100);

        var fanOut = Assert.Single(TraceAnalyzer.Analyze(trace.Build()).FanOuts);

        Assert.Equal(TimeSpan.FromMilliseconds(1000), fanOut.Total);
        Assert.Equal(TimeSpan.FromMilliseconds(100), fanOut.WallTime);
    }

    [Fact]
    public void OnlyTheCostliestFanOutsAreReported()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /", 0, 10_000);
        for (var g = 0; g < 5; g++)
        {
            for (var i = 0; i < 10; i++)
                trace.Add(root, "api", $"op{g}", g * 1000 + i * 10, g + 1);
        }

        var fanOuts = TraceAnalyzer.Analyze(trace.Build(), new AnalysisOptions { MaxFanOuts = 2 }).FanOuts;

        Assert.Equal(["op4", "op3"], fanOuts.Select(f => f.Label));
    }

    [Fact]
    public void TheDeepestSpanOfAThreeDeepErrorChainIsTheOrigin()
    {
        var trace = new TraceBuilder();
        var checkout = trace.Add(null, "checkout-service", "POST /checkout", 0, 300, SpanStatus.Error, attributes: [("http.response.status_code", "500")]);
        var payment = trace.Add(checkout, "payment-service", "POST /charge", 10, 280, SpanStatus.Error, attributes:
            [("http.status_code", "502"), ("peer.service", "payment-service")]);
        trace.Add(payment, "payment-service", "INSERT charges", 20, 250, SpanStatus.Error, message: "connection refused", attributes:
            [("db.system", "postgresql"), ("db.name", "payments"), ("exception.type", "Npgsql.NpgsqlException")]);
        trace.Add(checkout, "checkout-service", "GET /cart", 1, 5);

        var origin = TraceAnalyzer.Analyze(trace.Build()).ErrorOrigin!;

        Assert.Equal("INSERT charges", origin.Span.Operation);
        Assert.Equal(3, origin.ChainLength);
        Assert.Equal(3, origin.ErroredSpans);
        Assert.Equal("postgresql payments", origin.Peer);
        Assert.Equal("Npgsql.NpgsqlException", origin.ErrorType);
        Assert.Equal("connection refused", origin.Message);
        Assert.Equal(
            "INSERT charges (payment-service) failed — Npgsql.NpgsqlException, peer postgresql payments: connection refused (3 errored spans)",
            origin.Summary);
    }

    [Fact]
    public void TheOriginCarriesItsHttpOrGrpcStatus()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "web", "GET /", 0, 100, SpanStatus.Error);
        trace.Add(root, "web", "GET inventory", 10, 50, SpanStatus.Error, attributes:
            [("http.response.status_code", "503"), ("server.address", "inventory.internal"), ("server.port", "8080")]);
        var grpc = new TraceBuilder();
        var grpcRoot = grpc.Add(null, "web", "GET /", 0, 100, SpanStatus.Error);
        grpc.Add(grpcRoot, "web", "inventory.Stock/Get", 10, 50, SpanStatus.Error, attributes: [("rpc.grpc.status_code", "14"), ("net.peer.name", "inventory")]);

        var http = TraceAnalyzer.Analyze(trace.Build()).ErrorOrigin!;
        var rpc = TraceAnalyzer.Analyze(grpc.Build()).ErrorOrigin!;

        Assert.Equal((503, "HTTP 503", "inventory.internal:8080"), (http.HttpStatus, http.Code, http.Peer));
        Assert.Equal("GET inventory (web) failed — HTTP 503, peer inventory.internal:8080 (2 errored spans)", http.Summary);
        Assert.Equal((14, "gRPC 14 UNAVAILABLE", "inventory"), (rpc.GrpcStatus, rpc.Code, rpc.Peer));
    }

    [Fact]
    public void AnErrorThatFailedTheRequestWinsOverADeeperHandledOne()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /order", 0, 500, SpanStatus.Error);
        var failing = trace.Add(root, "api", "load order", 10, 100, SpanStatus.Error);
        var retry = trace.Add(root, "api", "cache", 200, 100);
        var deeper = trace.Add(retry, "api", "cache get", 210, 50);
        trace.Add(deeper, "redis", "GET", 220, 10, SpanStatus.Error, message: "MOVED"); // depth 3, handled: the request went on
        trace.Add(failing, "orders-db", "SELECT order", 20, 80, SpanStatus.Error, attributes: [("messaging.destination.name", "unused")]);

        var origin = TraceAnalyzer.Analyze(trace.Build()).ErrorOrigin!;

        Assert.Equal("SELECT order", origin.Span.Operation);
        Assert.Equal(4, origin.ErroredSpans);
    }

    [Fact]
    public void WithoutAnErrorAtTheRootTheDeepestErrorIsTheOrigin()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "worker", "consume", 0, 500);
        var a = trace.Add(root, "worker", "handle", 10, 100);
        trace.Add(a, "worker", "shallow", 20, 10, SpanStatus.Error);
        var b = trace.Add(root, "worker", "handle", 200, 100);
        var c = trace.Add(b, "worker", "step", 210, 50);
        trace.Add(c, "worker", "deep", 220, 10, SpanStatus.Error);

        Assert.Equal("deep", TraceAnalyzer.Analyze(trace.Build()).ErrorOrigin!.Span.Operation);
    }

    [Fact]
    public void ErrorTagsCountWhenTheStatusIsUnsetButAnOkStatusWins()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /", 0, 100);
        trace.Add(root, "api", "zipkin style", 10, 10, attributes: [("error", "timeout")]);
        trace.Add(root, "api", "http 5xx", 30, 10, attributes: [("http.status_code", "504")]);
        trace.Add(root, "api", "told ok", 50, 10, SpanStatus.Ok, attributes: [("error", "true")]);
        trace.Add(root, "api", "not an error", 70, 10, attributes: [("error", "false"), ("http.status_code", "404")]);

        var origin = TraceAnalyzer.Analyze(trace.Build()).ErrorOrigin!;

        Assert.Equal(2, origin.ErroredSpans);
        Assert.Equal("zipkin style", origin.Span.Operation); // same depth: the earliest
        Assert.Equal("timeout", origin.Message);
    }

    [Fact]
    public void AChildOutsideItsParentIsClampedNotBelieved()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /", 0, 100);
        trace.Add(root, "db", "SELECT skewed", -20, 130); // its clock runs early: starts before and ends after its parent
        trace.Add(root, "db", "after the end", 150, 40); // wholly after its parent: zero length at the parent's end

        var insights = TraceAnalyzer.Analyze(trace.Build());

        Assert.Equal(TimeSpan.FromMilliseconds(100), insights.Duration);
        Assert.Equal("SELECT skewed", insights.Culprit!.Span.Operation);
        Assert.Equal(TimeSpan.FromMilliseconds(100), insights.Culprit.SelfTime);
        Assert.Equal(100, insights.Culprit.SharePercent);
    }

    [Fact]
    public void OrphansAreAnalysedAsRootsOfTheirOwnSubtrees()
    {
        var trace = new TraceBuilder();
        trace.Add(null, "web", "GET /", 0, 100);
        var orphan = trace.Add("00000000deadbeef", "worker", "process", 150, 250);
        trace.Add(orphan, "worker", "crunch", 160, 230);

        var insights = TraceAnalyzer.Analyze(trace.Build());

        Assert.Equal((2, 1), (insights.Roots, insights.Orphans));
        Assert.Equal(TimeSpan.FromMilliseconds(400), insights.Duration); // first root's start to the last root's end
        Assert.Equal("crunch", insights.Culprit!.Span.Operation);
        Assert.Equal(57, insights.Culprit.SharePercent);
        Assert.Contains("worker process [250ms] (parent missing)", insights.Waterfall, StringComparison.Ordinal);
    }

    [Fact]
    public void MultipleRootsAreAllAnalysed()
    {
        var trace = new TraceBuilder();
        var first = trace.Add(null, "web", "GET /a", 0, 100);
        trace.Add(first, "web", "render", 10, 20);
        var second = trace.Add(null, "batch", "nightly", 50, 300);
        trace.Add(second, "batch", "export", 60, 280, SpanStatus.Error);

        var insights = TraceAnalyzer.Analyze(trace.Build());

        Assert.Equal((2, 0), (insights.Roots, insights.Orphans));
        Assert.Equal(TimeSpan.FromMilliseconds(350), insights.Duration);
        Assert.Equal("export", insights.Culprit!.Span.Operation);
        Assert.Equal("export", insights.ErrorOrigin!.Span.Operation);
        var lines = insights.Waterfall.Split('\n');
        Assert.StartsWith("web GET /a", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("batch nightly", StringComparison.Ordinal));
    }

    [Fact]
    public void ZeroDurationSpansGiveNoCulpritAndNoCrash()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /", 0, 0);
        trace.Add(root, "api", "noop", 0, 0);

        var insights = TraceAnalyzer.Analyze(trace.Build());

        Assert.Null(insights.Culprit);
        Assert.Equal(TimeSpan.Zero, insights.Duration);
        Assert.Equal("api GET / [0µs]\n└─ api noop [0µs]", insights.Waterfall);
    }

    [Fact]
    public void AZeroDurationChildDoesNotHideTheTimeAroundIt()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /", 0, 100);
        trace.Add(root, "api", "mark", 50, 0);
        trace.Add(root, "api", "work", 60, 40);

        var culprit = TraceAnalyzer.Analyze(trace.Build()).Culprit!;

        Assert.Equal("GET /", culprit.Span.Operation);
        Assert.Equal(TimeSpan.FromMilliseconds(60), culprit.SelfTime);
    }

    [Fact]
    public void GarbageDurationsDoNotCrashTheAnalysis()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /", 0, 100);
        trace.Add(root, "api", "negative", 10, -50);
        var spans = trace.Build().Spans.Append(new Span("t", "00000000000000ff", root, "api", "forever",
            TraceBuilder.T0, TimeSpan.MaxValue, SpanStatus.Unset, new Dictionary<string, string>())).ToList();
        for (var i = 0; i < 10; i++)
            spans.Add(spans[^1] with { SpanId = $"00000000000001{i:x2}", ParentSpanId = spans[0].SpanId });

        var insights = TraceAnalyzer.Analyze(new Trace("t", spans));

        Assert.Equal(13, insights.SpanCount);
        Assert.NotNull(insights.Culprit);
        Assert.InRange(insights.Culprit.Share, 0, 1);
        Assert.True(Assert.Single(insights.FanOuts).Total > TimeSpan.Zero); // saturated, not wrapped around
    }

    [Fact]
    public void AnEmptyTraceHasNoFindings()
    {
        var insights = TraceAnalyzer.Analyze(new Trace("t", []));

        Assert.Equal((0, 0, TimeSpan.Zero, ""), (insights.SpanCount, insights.Roots, insights.Duration, insights.Waterfall));
        Assert.Empty(insights.Findings);
    }

    [Fact]
    public void AParentCycleIsCutInsteadOfLoopingForever()
    {
        var trace = new TraceBuilder();
        trace.Add("00000000000000b", "api", "a", 0, 100, id: "00000000000000a");
        trace.Add("00000000000000a", "api", "b", 10, 50, id: "00000000000000b");
        trace.Add("00000000000000c", "api", "self", 20, 10, id: "00000000000000c");

        var insights = TraceAnalyzer.Analyze(trace.Build());

        Assert.Equal((3, 2, 0), (insights.SpanCount, insights.Roots, insights.Orphans));
        Assert.NotNull(insights.Culprit);
    }

    [Fact]
    public void DuplicateSpanIdsAreKeptAndChildrenAttachToTheFirst()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "a", "GET /", 0, 100, id: "0000000000000001");
        trace.Add(root, "a", "client call", 10, 80, id: "0000000000000002");
        trace.Add(root, "b", "server side", 12, 76, id: "0000000000000002"); // Zipkin shares the id between client and server
        trace.Add("0000000000000002", "b", "SELECT", 20, 60);

        var insights = TraceAnalyzer.Analyze(trace.Build());

        Assert.Equal((4, 1), (insights.SpanCount, insights.Roots));
        Assert.Equal("SELECT", insights.Culprit!.Span.Operation);
    }

    [Fact]
    public void ATenThousandSpanNPlusOneIsAnalysedWithCorrectCounts()
    {
        var insights = TraceAnalyzer.Analyze(TraceBuilder.NPlusOne(queries: 9_998, queryMs: 0.5));

        Assert.Equal(10_000, insights.SpanCount);
        Assert.Equal(9_998, Assert.Single(insights.FanOuts).Count);
        Assert.Equal(TimeSpan.FromMilliseconds(4_999), insights.FanOuts[0].Total);
        AssertBounded(insights.Waterfall, new AnalysisOptions());
    }

    [Fact]
    public void ATenThousandDeepErrorChainFindsTheLeafAsCulpritAndOrigin()
    {
        var trace = new TraceBuilder();
        string? parent = null;
        const int depth = 10_000;
        for (var i = 0; i < depth - 1; i++)
            parent = trace.Add(parent, $"svc{i % 7}", $"call {i}", i, 30_000 - 2 * i, SpanStatus.Error);
        trace.Add(parent, "db", "SELECT slow", depth - 1, 10_002, SpanStatus.Error, message: "statement timeout");

        var insights = TraceAnalyzer.Analyze(trace.Build());

        Assert.Equal(depth, insights.SpanCount);
        Assert.Equal("SELECT slow", insights.Culprit!.Span.Operation);
        Assert.Equal(TimeSpan.FromMilliseconds(10_002), insights.Culprit.SelfTime);
        Assert.Equal("SELECT slow", insights.ErrorOrigin!.Span.Operation);
        Assert.Equal(depth, insights.ErrorOrigin.ChainLength);
        Assert.Equal(depth, insights.ErrorOrigin.ErroredSpans);
        AssertBounded(insights.Waterfall, new AnalysisOptions());
        Assert.Contains("db SELECT slow [10s] ✗ ← here, error origin", insights.Waterfall, StringComparison.Ordinal);
        Assert.Contains("⋮ ", insights.Waterfall, StringComparison.Ordinal);
    }

    [Fact]
    public void ATenThousandSpanRandomTreeIsAnalysedWithCorrectCounts()
    {
        var trace = RandomTrace(10_000, seed: 7);

        var insights = TraceAnalyzer.Analyze(trace);

        Assert.Equal(10_000, insights.SpanCount);
        Assert.Equal(1, insights.Roots);
        Assert.NotNull(insights.Culprit);
        Assert.InRange(insights.Culprit.Share, 0, 1);
        AssertBounded(insights.Waterfall, new AnalysisOptions());
    }

    /// <summary>A random but valid tree: each span inside its parent, names from a small set so that fan-outs happen.</summary>
    internal static Trace RandomTrace(int spans, int seed)
    {
        var random = new Random(seed);
        var trace = new TraceBuilder();
        var ids = new List<(string Id, double Start, double Duration)>();
        var root = trace.Add(null, "edge", "GET /", 0, 10_000);
        ids.Add((root, 0, 10_000));
        for (var i = 1; i < spans; i++)
        {
            var (parent, start, duration) = ids[random.Next(Math.Max(0, ids.Count - 50), ids.Count)];
            var childStart = start + random.NextDouble() * duration * 0.5;
            var childDuration = random.NextDouble() * (start + duration - childStart);
            var id = trace.Add(parent, $"svc{random.Next(20)}", $"op {random.Next(5)}", childStart, childDuration,
                random.Next(50) == 0 ? SpanStatus.Error : SpanStatus.Unset);
            ids.Add((id, childStart, childDuration));
        }
        return trace.Build();
    }

    internal static void AssertBounded(string waterfall, AnalysisOptions options)
    {
        var lines = waterfall.Split('\n');
        Assert.InRange(lines.Length, 1, options.WaterfallMaxLines);
        Assert.All(lines, line => Assert.InRange(new System.Globalization.StringInfo(line).LengthInTextElements, 1, options.WaterfallMaxWidth));
    }
}
