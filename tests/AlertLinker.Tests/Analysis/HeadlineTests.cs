using System.Globalization;
using System.Text.Json.Nodes;
using AlertLinker.Analysis;
using AlertLinker.Backends.Jaeger;
using AlertLinker.Backends.Otlp;
using AlertLinker.Backends.Zipkin;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Analysis;

/// <summary>The headline names the class of spans where the critical path's time went, and the waterfall points at it.</summary>
public sealed class HeadlineTests
{
    [Fact]
    public void ThirtyLookAlikeQueriesUnderAHandlerAreTheHeadlineAndTheHandlerIsNotBlamed()
    {
        var insights = TraceAnalyzer.Analyze(TraceBuilder.DecoyNPlusOne());

        var headline = Assert.IsType<FanOutFinding>(insights.Headline);
        Assert.Equal((30, "SELECT price FROM items WHERE id = ?", "inventory-service"), (headline.Count, headline.Label, headline.Service));
        Assert.Equal(TimeSpan.FromMilliseconds(750), headline.TimeOnPath);
        Assert.Equal(92, headline.SharePercent);
        Assert.True(headline.SharePercent >= 80);
        Assert.Equal("GET /stock", headline.Parent?.Operation);
        Assert.Equal(
            "30 × SELECT price FROM items WHERE id = ? to postgresql inventory — 750 ms, 92 % of the request, from inventory-service GET /stock",
            headline.Summary);
        // The decoy: GET /stock has the most time of its own of any single span (40 ms), but it is not where the time went.
        Assert.Equal("GET /stock", insights.Culprit!.Span.Operation);
        Assert.Same(headline, insights.Findings.First());
        Assert.DoesNotContain(insights.Findings, f => f is CulpritFinding);
    }

    [Fact]
    public void TheWaterfallMarksTheCollapsedLineOfTheNPlusOneAndNotItsParent()
    {
        var lines = TraceAnalyzer.Analyze(TraceBuilder.DecoyNPlusOne()).Waterfall.Split('\n');

        var marked = Assert.Single(lines, l => l.Contains("← here", StringComparison.Ordinal));
        Assert.EndsWith("… 29 more × SELECT price FROM items WHERE id = ? [725ms total] ← here", marked, StringComparison.Ordinal);
        Assert.Contains("└─ inventory-service GET /stock [790ms]", lines);
    }

    [Fact]
    public void TheSeedPictureStillHeadlinesTheSlowQuery()
    {
        var insights = TraceAnalyzer.Analyze(TraceBuilder.Seed());

        var headline = Assert.IsType<CulpritFinding>(insights.Headline);
        Assert.Same(insights.Culprit, headline);
        Assert.Equal("SELECT stock (inventory-service) — 788 ms, 98 % of 800 ms", headline.Summary);
        Assert.Same(headline, Assert.Single(insights.Findings));
        Assert.EndsWith("└─ inventory-service SELECT stock [788ms] ← here", insights.Waterfall, StringComparison.Ordinal);
    }

    [Fact]
    public void AFanOutOfCallsToAnotherServiceIsNamedWithItsPeerAndWhereItCameFrom()
    {
        var trace = new TraceBuilder();
        var checkout = trace.Add(null, "orders", "GET /checkout", 0, 1550);
        for (var i = 0; i < 12; i++)
        {
            var call = trace.Add(checkout, "orders", "POST /v1/charge", 50 + i * 117, 117);
            trace.Add(call, "payments-api", "POST /v1/charge", 52 + i * 117, 113);
        }

        var insights = TraceAnalyzer.Analyze(trace.Build());

        // The 12 server spans are one class too (their parents are), but they repeat no more often than the calls: the calls keep the time.
        var headline = Assert.IsType<FanOutFinding>(insights.Headline);
        Assert.Equal("orders", headline.Service);
        Assert.Equal("12 × POST /v1/charge to payments-api — 1404 ms, 90 % of the request, from orders GET /checkout", headline.Summary);
        Assert.Contains(insights.Waterfall.Split('\n'), l => l.EndsWith("× POST /v1/charge [1287ms total] ← here", StringComparison.Ordinal));
    }

    [Fact]
    public void AFewLookAlikesBelowTheFanOutThresholdAreStillOneClass()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /report", 0, 400);
        trace.Add(root, "api", "load header", 0, 90);
        for (var i = 0; i < 3; i++)
            trace.Add(root, "api", "SELECT rows", 100 + i * 100, 100, attributes: [("db.statement", $"SELECT * FROM rows WHERE page = {i}")]);

        var insights = TraceAnalyzer.Analyze(trace.Build());

        Assert.Empty(insights.FanOuts); // three are no N+1 by the detector's threshold (10)
        var headline = Assert.IsType<FanOutFinding>(insights.Headline);
        Assert.Equal((3, 75), (headline.Count, headline.SharePercent));
        Assert.Contains(insights.Waterfall.Split('\n'), l => l.EndsWith("[200ms total] ← here", StringComparison.Ordinal));
    }

    [Fact]
    public void ARepetitionInsideARepetitionTakesTheTimeWhenItRepeatsMoreOften()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "checkout-service", "GET /checkout", 0, 820);
        for (var h = 0; h < 2; h++)
        {
            var stock = trace.Add(root, "inventory-service", "GET /stock", 10 + h * 400, 400);
            for (var q = 0; q < 30; q++)
                trace.Add(stock, "inventory-service", "SELECT price", 15 + h * 400 + q * 12.5, 12.5, attributes: [("db.statement", $"SELECT price FROM items WHERE id = {q}")]);
        }

        var headline = Assert.IsType<FanOutFinding>(TraceAnalyzer.Analyze(trace.Build()).Headline);

        Assert.Equal((60, "SELECT price FROM items WHERE id = ?"), (headline.Count, headline.Label));
        Assert.Equal(TimeSpan.FromMilliseconds(750), headline.TimeOnPath);
    }

    [Fact]
    public void ABigSingleSpanNextToTheHeadlineFanOutIsStillListedWithItsShare()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "api", "GET /", 0, 1000);
        for (var i = 0; i < 10; i++)
            trace.Add(root, "api", "GET item", i * 50, 50);
        trace.Add(root, "api", "render", 500, 400);

        var findings = TraceAnalyzer.Analyze(trace.Build()).Findings.ToList();

        Assert.IsType<FanOutFinding>(findings[0]);
        Assert.Equal(50, findings[0].SharePercent);
        var culprit = Assert.IsType<CulpritFinding>(findings[^1]);
        Assert.Equal(("render", 40), (culprit.Span.Operation, culprit.SharePercent));
    }

    [Fact]
    public void TheErrorOriginStatesItsShareOfTheTrace()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "web", "GET /", 0, 200, SpanStatus.Error);
        trace.Add(root, "web", "GET inventory", 50, 100, SpanStatus.Error, attributes: [("http.response.status_code", "503")]);

        var origin = TraceAnalyzer.Analyze(trace.Build()).ErrorOrigin!;

        Assert.Equal((TimeSpan.FromMilliseconds(100), 50), (origin.TimeOnPath, origin.SharePercent));
        Assert.Equal("GET inventory (web) failed — HTTP 503 (2 errored spans)", origin.Summary); // the summary stays as it was
    }

    [Fact]
    public void TheNPlusOneInTempoFormatIsTheHeadline()
    {
        var insights = TraceAnalyzer.Analyze(OtlpTraceParser.Parse(TempoBody(TraceBuilder.DecoyNPlusOne())));

        var headline = Assert.IsType<FanOutFinding>(insights.Headline);
        Assert.Equal((30, 92), (headline.Count, headline.SharePercent));
        Assert.Contains("SELECT price FROM items WHERE id = ? [725ms total] ← here", insights.Waterfall, StringComparison.Ordinal);
    }

    [Fact]
    public void TheKafkaTraceHeadlinesItsThreeMessageHandlers()
    {
        var insights = TraceAnalyzer.Analyze(ZipkinTraceParser.Parse(SharedFixtures.Read("backends/zipkin/trace_by_id_messaging_kafka_with_error.json")));

        // The 26 µs poll hands three messages to on-message handlers that run on after it: together 99 % of the trace.
        var headline = Assert.IsType<FanOutFinding>(insights.Headline);
        Assert.Equal(("servicea", "on-message", 3, 99), (headline.Service, headline.Label, headline.Count, headline.SharePercent));
        Assert.Equal("poll", headline.Parent?.Operation);
        Assert.Contains(insights.Waterfall.Split('\n'), l => l.EndsWith("× on-message [395ms total] ← here", StringComparison.Ordinal));
        Assert.True(insights.CulpritInHeadline); // the 250 ms handler is one of the three, so it is not listed again
        Assert.DoesNotContain(insights.Findings, f => f is CulpritFinding);
    }

    [Theory]
    [InlineData("zipkin/trace_by_id_skew.json", "servicea", "post", 95)]
    [InlineData("zipkin/trace_by_id_yelp.json", "unknown", "post", 94)]
    [InlineData("jaeger/v1_api_traces_response.json", "telemetrygen", "okey-dokey-0", 100)]
    [InlineData("jaeger/v1_ui_trace_model.json", "service-y", "some-operation", 100)]
    [InlineData("tempo/trace_otlp_jsonpb_vulture.json", "tempo-vulture", "vulture-48", 58)]
    public void OnRealTracesASingleSpanHeadlineIsTheCulpritAndCarriesTheMarker(string fixture, string service, string operation, int share)
    {
        var insights = TraceAnalyzer.Analyze(Read(fixture));

        var headline = Assert.IsType<CulpritFinding>(insights.Headline);
        Assert.Equal((service, operation, share), (headline.Span.Service, headline.Span.Operation, headline.SharePercent));
        Assert.Same(headline, insights.Findings.First());
        var marked = Assert.Single(insights.Waterfall.Split('\n'), l => l.Contains("← here", StringComparison.Ordinal));
        Assert.Contains($"{service} {operation} [", marked, StringComparison.Ordinal);
    }

    [Fact]
    public void ATraceThatTookNoTimeHasNoHeadline()
    {
        var insights = TraceAnalyzer.Analyze(OtlpTraceParser.Parse(SharedFixtures.Read("backends/jaeger/v3_GetTrace.json")));

        Assert.Null(insights.Headline);
        Assert.IsType<ErrorOriginFinding>(Assert.Single(insights.Findings));
    }

    private static Trace Read(string fixture)
    {
        var text = SharedFixtures.Read("backends/" + fixture);
        return fixture.StartsWith("zipkin/", StringComparison.Ordinal) ? ZipkinTraceParser.Parse(text)
            : fixture.StartsWith("jaeger/v1", StringComparison.Ordinal) ? JaegerTraceParser.Parse(text)
            : OtlpTraceParser.Parse(text);
    }

    /// <summary>The trace as Tempo's <c>GET /api/v2/traces/{id}</c> answers it: OTLP JSON under "trace", one resource per service.</summary>
    internal static string TempoBody(Trace trace)
    {
        var resources = new JsonArray();
        foreach (var service in trace.Spans.GroupBy(s => s.Service))
        {
            var spans = new JsonArray();
            foreach (var span in service)
            {
                var json = new JsonObject
                {
                    ["traceId"] = span.TraceId,
                    ["spanId"] = span.SpanId,
                    ["name"] = span.Operation,
                    ["kind"] = "SPAN_KIND_INTERNAL",
                    ["startTimeUnixNano"] = Nanos(span.Start),
                    ["endTimeUnixNano"] = Nanos(span.End),
                    ["attributes"] = new JsonArray([.. span.Attributes.Select(a => (JsonNode)new JsonObject
                    {
                        ["key"] = a.Key,
                        ["value"] = new JsonObject { ["stringValue"] = a.Value },
                    })]),
                    ["status"] = new JsonObject(),
                };
                if (span.ParentSpanId is { } parent)
                    json["parentSpanId"] = parent;
                spans.Add(json);
            }
            resources.Add(new JsonObject
            {
                ["resource"] = new JsonObject
                {
                    ["attributes"] = new JsonArray(new JsonObject { ["key"] = "service.name", ["value"] = new JsonObject { ["stringValue"] = service.Key } }),
                },
                ["scopeSpans"] = new JsonArray(new JsonObject { ["scope"] = new JsonObject { ["name"] = "test" }, ["spans"] = spans }),
            });
        }
        return new JsonObject { ["trace"] = new JsonObject { ["resourceSpans"] = resources } }.ToJsonString();
    }

    private static string Nanos(DateTimeOffset time) =>
        ((time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100).ToString(CultureInfo.InvariantCulture);
}
