using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Runbooks;
using AlertLinker.Tests.Analysis;

namespace AlertLinker.Tests.Runbooks;

/// <summary><c>findings</c> and <c>backends[].analyses</c>: the analysis of the exemplars, as templates see it.</summary>
public class RunbookModelFindingsTests
{
    private static BackendSection Analysed(params Trace[] traces) =>
        RunbookTestData.Section() with
        {
            Analyses = traces.Select(t => new AnalyzedTrace(
                new TraceSummary(t.TraceId, "checkout-service", "GET /checkout", null, TimeSpan.FromMilliseconds(800), false, new Uri("https://jaeger.example.com/trace/" + t.TraceId)),
                TraceAnalyzer.Analyze(t))).ToList(),
        };

    private static string Render(string body, params BackendSection[] sections)
    {
        using var folder = new RunbookFolder(("t.sbn", RunbookFolder.Runbook(body)));
        var rendered = Assert.Single(RunbookTestData.Renderer(folder.Load()).Render(RunbookTestData.Alert(), sections));
        Assert.Null(rendered.Error);
        return rendered.Slack();
    }

    [Fact]
    public void TheCulpritSaysWhichSpanTookTheTimeAndItsShare()
    {
        var text = Render(
            "{{ for f in findings }}{{ f.backend }}|{{ f.trace_id }}|{{ f.culprit.service }}|{{ f.culprit.operation }}|{{ f.culprit.self_ms }}|{{ f.culprit.share_percent }}|{{ f.culprit.attributes[\"db.system\"] }}|{{ f.duration_ms }}|{{ f.span_count }}{{ end }}",
            Analysed(TraceBuilder.Seed()));

        Assert.Equal("jaeger-prod|4bf92f3577b34da6a3ce929d0e0e4736|inventory-service|SELECT stock|788|98|postgresql|800|4", text);
    }

    [Fact]
    public void AnNPlusOneShowsAsAFanOutWithItsCountAndStatement()
    {
        var text = Render(
            "{{ for f in backends[0].analyses[0].fan_outs }}{{ f.count }} × {{ f.label }} in {{ f.parent.operation }} ({{ f.total_ms }} ms, statement: {{ f.is_statement }}){{ end }}",
            Analysed(TraceBuilder.NPlusOne()));

        Assert.Equal("200 × SELECT price FROM prices WHERE id = ? in GET /products (860 ms, statement: true)", text);
    }

    [Fact]
    public void TheErrorOriginCarriesItsCodePeerAndMessage()
    {
        var trace = new TraceBuilder("0af7651916cd43dd8448eb211c80319c");
        var root = trace.Add(null, "checkout-service", "POST /checkout", 0, 300, SpanStatus.Error);
        trace.Add(root, "payment-service", "POST /charge", 10, 250, SpanStatus.Error, message: "upstream timed out",
            attributes: [("http.response.status_code", "503"), ("peer.service", "stripe")]);

        var text = Render(
            "{{ o = findings[0].error_origin }}{{ o.service }}|{{ o.operation }}|{{ o.code }}|{{ o.http_status }}|{{ o.peer }}|{{ o.message }}|{{ o.errored_spans }}|{{ findings[0].summaries | array.size }}",
            Analysed(trace.Build()));

        Assert.Equal("payment-service|POST /charge|HTTP 503|503|stripe|upstream timed out|2|2", text);
    }

    [Fact]
    public void TheWaterfallIsTextToPrintInACodeBlockEscaped()
    {
        var text = Render("```{{ findings[0].waterfall }}```", Analysed(TraceBuilder.Seed()));

        Assert.Contains("SELECT stock", text, StringComparison.Ordinal);
        Assert.Contains("← here", text, StringComparison.Ordinal);
    }

    [Fact]
    public void FindingsGatherEveryBackendsAnalysesAndAreEmptyWithoutAny()
    {
        var tempo = Analysed(TraceBuilder.NPlusOne()) with { Backend = "tempo-prod", Type = "Tempo" };

        Assert.Equal("jaeger-prod,tempo-prod", Render("{{ findings | array.map \"backend\" | array.join \",\" }}", Analysed(TraceBuilder.Seed()), tempo));
        Assert.Equal("none", Render("{{ if findings.size == 0 }}none{{ end }}", RunbookTestData.Section()));
    }

    [Fact]
    public void ThePlainModelHasTheSameShapeForJson()
    {
        var model = RunbookModel.Plain(RunbookModel.Build(RunbookTestData.Alert(), [Analysed(TraceBuilder.Seed())]));

        var findings = Assert.IsType<List<object?>>(model["findings"]);
        var finding = Assert.IsType<Dictionary<string, object?>>(Assert.Single(findings));
        var culprit = Assert.IsType<Dictionary<string, object?>>(finding["culprit"]);
        Assert.Equal("SELECT stock", culprit["operation"]);
        Assert.Equal(0.985, culprit["share"]);
    }

    [Fact]
    public void TheHeadlineOfTheDecoyTraceIsTheNPlusOneNotItsParent()
    {
        var text = Render(
            "{{ h = findings[0].headline }}{{ h.kind }}|{{ h.count }}|{{ h.label }}|{{ h.service }}|{{ h.operation }}|{{ h.time_ms }}|{{ h.share_percent }}|{{ h.parent.operation }}|{{ findings[0].culprit.operation }}|{{ findings[0].summaries[0] }}",
            Analysed(TraceBuilder.DecoyNPlusOne()));

        Assert.Equal(
            "fan_out|30|SELECT price FROM items WHERE id = ?|inventory-service|SELECT items|750|92|GET /stock|GET /stock|"
            + "30 × SELECT price FROM items WHERE id = ? to postgresql inventory — 750 ms, 92 % of the request, from inventory-service GET /stock",
            text);
    }

    [Fact]
    public void TheHeadlineOfTheSeedIsTheSlowQueryWithASearchThreshold()
    {
        var text = Render("{{ h = findings[0].headline }}{{ h.kind }}|{{ h.count }}|{{ h.operation }}|{{ h.share_percent }}|{{ h.min_duration_ms }}|{{ h.span.attributes[\"db.system\"] }}", Analysed(TraceBuilder.Seed()));

        Assert.Equal("span|1|SELECT stock|98|394|postgresql", text);
    }

    [Fact]
    public void TheAgreementSaysWhetherTheExemplarsBlameTheSameThingCountingEachTraceOnce()
    {
        var jaeger = Analysed(TraceBuilder.Seed(), TraceBuilder.Seed("5b8aa5a2d2c872e8321cf37308d69df2", sku: "B-7"), TraceBuilder.NPlusOne("0af7651916cd43dd8448eb211c80319c"));
        var tempo = Analysed(TraceBuilder.Seed()) with { Backend = "tempo-prod", Type = "Tempo" }; // the same trace, found twice

        var text = Render(
            "{{ agreement.traces }}|{{ agreement.agree }}|{{ agreement.summary }}|{{ for c in agreement.causes }}{{ c.traces }}×{{ c.headline.operation }};{{ end }}",
            jaeger, tempo);

        Assert.Equal("3|false|the same in 2 of 3 traces|2×SELECT stock;1×SELECT prices;", text);
    }
}
