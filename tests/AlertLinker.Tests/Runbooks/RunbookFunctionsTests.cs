using AlertLinker.Tests.TestSupport;
using AlertLinker.Runbooks;
using Scriban;

namespace AlertLinker.Tests.Runbooks;

public class RunbookFunctionsTests
{
    private static string Render(string body, FakeTraceBackend? backend = null, string? service = "checkout")
    {
        using var folder = new RunbookFolder(("t.sbn", RunbookFolder.Runbook(body)));
        var renderer = RunbookTestData.Renderer(folder.Load(), backends: RunbookTestData.Backends(backend ?? new FakeTraceBackend("jaeger", "Jaeger")));
        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(service: service), []));
        Assert.Null(rendered.Error);
        return rendered.Slack();
    }

    [Fact]
    public void TraceQlEscapesQuotesAndBackslashesAndScopesBareAttributes()
    {
        var text = Render("""{{ traceql {"db.statement": "SELECT \"a\\b\"", "span.http.status_code": 500, "resource.k8s.ns": "prod", "error": true} operation: "GET /x" }}""");

        Assert.Equal(
            // Attributes sorted like the Tempo backend's own query; numbers and booleans bare (TraceQL compares types).
            "{ resource.service.name = \"checkout\" &amp;&amp; name = \"GET /x\" &amp;&amp; .db.statement = \"SELECT \\\"a\\\\b\\\"\" &amp;&amp; .error = true &amp;&amp; resource.k8s.ns = \"prod\" &amp;&amp; span.http.status_code = 500 }",
            text);
    }

    [Theory]
    [InlineData("min_duration: 250", "duration > 250ms")]
    [InlineData("min_duration: \"1.5s\"", "duration > 1500ms")]
    [InlineData("min_duration: \"2s\"", "duration > 2s")]
    [InlineData("min_duration: \"1m30s\"", "duration > 90s")]
    [InlineData("min_duration: \"250us\"", "duration > 250us")]
    [InlineData("errors_only: true", "status = error")]
    public void TraceQlTakesDurationsAndErrors(string arguments, string expected)
    {
        Assert.Equal("{ resource.service.name = \"checkout\" && " + expected + " }", Render("{{ traceql " + arguments + " }}").Replace("&amp;", "&", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal));
    }

    [Fact]
    public void TraceQlOfAHostileServiceStaysOneStringLiteral()
    {
        Assert.Equal("{ resource.service.name = \"a\\\" || true || \\\"\" }",
            Render("{{ traceql service: 'a\" || true || \"' }}").Replace("&amp;", "&", StringComparison.Ordinal));
    }

    [Fact]
    public void TraceSearchAsksEveryBackendForTheAlertsServiceAndWindow()
    {
        var backend = new FakeTraceBackend("jaeger", "Jaeger");

        var text = Render("""{{ for s in trace_search({"db.system": "postgresql"}, min_duration: "100ms", errors_only: true, operation: "SELECT", limit: 5) }}{{ s.backend }}|{{ s.type }}|{{ s.title }}|{{ s.query }}|{{ s.url }}{{ end }}""", backend);

        var search = Assert.Single(backend.LinkedSearches);
        Assert.Equal("checkout", search.Service);
        Assert.Equal("SELECT", search.Operation);
        Assert.Equal(new AlertWindow(RunbookTestData.Start, RunbookTestData.End), search.Window);
        Assert.Equal("postgresql", search.Attributes["db.system"]);
        Assert.Equal(TimeSpan.FromMilliseconds(100), search.MinDuration);
        Assert.True(search.ErrorsOnly);
        Assert.Equal(5, search.Limit);
        Assert.StartsWith("jaeger|Jaeger|Search|Jaeger query: db.system=postgresql|https://jaeger.example.com/search?service=checkout&amp;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void TraceSearchCanAskOneBackendByNameOrType()
    {
        var jaeger = new FakeTraceBackend("jaeger-prod", "Jaeger");
        var tempo = new FakeTraceBackend("tempo-prod", "Tempo");
        using var folder = new RunbookFolder(("t.sbn", RunbookFolder.Runbook(
            "{{ for s in trace_search({}, backend: \"jaeger\") }}{{ s.backend }};{{ end }}|{{ for s in (trace_search {} backend: \"TEMPO-PROD\") }}{{ s.backend }};{{ end }}|{{ (trace_search {} backend: \"zipkin\").size }}")));
        var renderer = RunbookTestData.Renderer(folder.Load(), backends: RunbookTestData.Backends(jaeger, tempo));

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), []));

        Assert.True(rendered.Error is null, rendered.Error);
        Assert.Equal("jaeger-prod;|tempo-prod;|0", rendered.Text);
    }

    [Theory]
    [InlineData("{{ duration \"1s\" unit: \"hours\" }}", "unit 'hours' is not one of")]
    [InlineData("{{ unix_time \"yesterday\" }}", "'yesterday' is not an RFC 3339 time")]
    public void HelpersSayWhatIsWrongWithTheirArguments(string body, string reason)
    {
        using var folder = new RunbookFolder(("t.sbn", RunbookFolder.Runbook(body)));

        var rendered = Assert.Single(RunbookTestData.Renderer(folder.Load()).Render(RunbookTestData.Alert(), []));

        Assert.Contains(reason, rendered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void TraceSearchSkipsBackendsThatCannotExpressIt()
    {
        Assert.Equal("[0]", Render("[{{ (trace_search {}) | array.size }}]", new FakeTraceBackend("exemplars", "PrometheusExemplars", canSearch: false)));
    }

    [Fact]
    public void TraceSearchWithoutAServiceFindsNothingToLink()
    {
        var backend = new FakeTraceBackend("jaeger", "Jaeger");

        Assert.Equal("[0]", Render("[{{ (trace_search {}) | array.size }}]", backend, service: null));
        Assert.Empty(backend.LinkedSearches);
    }

    [Theory]
    [InlineData("{{ slack_link \"https://x.example.com/a?b=1&c=<2>|3\" \"Docs & <b>\" }}", "<https://x.example.com/a?b=1&amp;c=%3C2%3E%7C3|Docs &amp; &lt;b&gt;>")]
    [InlineData("{{ slack_link \"ftp://x.example.com\" \"Docs\" }}", "Docs")]
    [InlineData("{{ slack_link \"not a url\" }}", "not a url")]
    [InlineData("{{ slack_link \"https://x.example.com/\" (escape \"*a* & b\") }}", "<https://x.example.com/|*a* &amp; b>")]
    [InlineData("{{ escape \"<!here>\" }}", "&lt;!here&gt;")]
    [InlineData("{{ duration 1500 }}|{{ duration \"2m\" }}", "1500ms|2m")]
    [InlineData("{{ duration \"500ms\" unit: \"us\" }}|{{ duration \"500ms\" unit: \"ns\" }}|{{ duration \"1.5s\" unit: \"ms\" }}|{{ duration 250 unit: \"s\" }}|{{ duration \"1h\" }}", "500000|500000000|1500|0.25|1h")]
    [InlineData("{{ unix_time window.start }}|{{ unix_time window.start \"ms\" }}|{{ unix_time window.end \"us\" }}|{{ unix_time \"2026-11-23T18:00:00.5Z\" \"ns\" }}", "1795456800|1795456800000|1795458000000000|1795456800500000000")]
    [InlineData("{{ jaeger_tags {\"db.system\": \"postgresql\", \"http.route\": \"/a b\", \"n\": 5} errors_only: true }}", "db.system=postgresql error=true http.route=\"/a b\" n=5")]
    public void SlackHelpersBuildOnlyHttpLinksAndEscapeEverythingElse(string body, string expected)
    {
        Assert.Equal(expected, Render(body));
    }

    [Fact]
    public void TheTemplateContextIsSandboxed()
    {
        using var context = new RunbookTemplateContextScope();

        Assert.Equal(1_000, context.Value.LoopLimit);
        Assert.Equal(50, context.Value.RecursiveLimit);
        Assert.Equal(6_000, context.Value.OutputLimit);
        Assert.Null(context.Value.TemplateLoader);
        Assert.False(context.Value.BuiltinObject.ContainsKey("include"));
    }

    private sealed class RunbookTemplateContextScope : IDisposable
    {
        private readonly CancellationTokenSource cts = new();

        public RunbookTemplateContextScope() => Value = new RunbookTemplateContext(new RunbookOptions(), cts.Token);

        public TemplateContext Value { get; }

        public void Dispose() => cts.Dispose();
    }
}
