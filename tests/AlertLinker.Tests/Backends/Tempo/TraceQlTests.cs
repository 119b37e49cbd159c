using AlertLinker.Backends;
using AlertLinker.Backends.Tempo;

namespace AlertLinker.Tests.Backends.Tempo;

public sealed class TraceQlTests
{
    [Fact]
    public void QuotesAndBackslashesInValuesAreEscaped() =>
        Assert.Equal("\"a\\\"b\\\\c\"", TraceQl.Quote("a\"b\\c"));

    [Fact]
    public void ControlCharactersCannotEndTheQuery() =>
        Assert.Equal("\"x\\ny\\t\\u0001\"", TraceQl.Quote("x\ny\t\u0001"));

    [Fact]
    public void AnInjectedConditionStaysInsideTheString()
    {
        var query = TraceQl.SpanSet("checkout\" || true || \"");
        Assert.Equal("{ resource.service.name = \"checkout\\\" || true || \\\"\" }", query);
    }

    [Fact]
    public void SlowSearchOfAServiceAndOperation() =>
        Assert.Equal("{ resource.service.name = \"checkout\" && name = \"GET /cart\" && duration > 500ms }",
            TraceQl.SpanSet("checkout", "GET /cart", minDuration: TimeSpan.FromMilliseconds(500)));

    [Fact]
    public void ErrorSearch() =>
        Assert.Equal("{ resource.service.name = \"checkout\" && status = error }", TraceQl.SpanSet("checkout", errorsOnly: true));

    [Fact]
    public void NoConditionsIsTheEmptySpanSet() => Assert.Equal("{ }", TraceQl.SpanSet(null));

    [Theory]
    [InlineData("db.system", ".db.system")]
    [InlineData("span.http.route", "span.http.route")]
    [InlineData("resource.k8s.namespace.name", "resource.k8s.namespace.name")]
    [InlineData(".http.method", ".http.method")]
    [InlineData("name", "name")]
    [InlineData("my attr", ".\"my attr\"")]
    [InlineData("span.my-attr", "span.\"my-attr\"")]
    public void AttributesGetAScope(string key, string expected) => Assert.Equal(expected, TraceQl.Attribute(key));

    [Theory]
    [InlineData("500", "500")]
    [InlineData("true", "true")]
    [InlineData("postgresql", "\"postgresql\"")]
    [InlineData("1.5", "\"1.5\"")]
    public void IntegersAndBooleansAreBareOtherValuesQuoted(string value, string expected) =>
        Assert.Equal(expected, TraceQl.Value(value));

    [Fact]
    public void ATraceSearchBecomesOneSpanSet()
    {
        var search = new TraceSearch("checkout", null, BackendTestHost.Window,
            new Dictionary<string, string> { ["db.system"] = "postgresql", ["http.status_code"] = "500" },
            MinDuration: TimeSpan.FromSeconds(1), ErrorsOnly: true);
        Assert.Equal(
            "{ resource.service.name = \"checkout\" && .db.system = \"postgresql\" && .http.status_code = 500 && duration > 1s && status = error }",
            TraceQl.ForSearch(search));
    }
    [Fact]
    public void SelectKeepsUnscopedKeysUnscopedAndScopedOnesScoped() =>
        Assert.Equal("select(.tenant.id, resource.service.version, span.http.route, .\"my attr\")",
            TraceQl.Select(["tenant.id", "resource.service.version", "span.http.route", "my attr"]));

    [Fact]
    public void ASpanSetWithSelectedKeysIsPipedIntoTheSelect() =>
        Assert.Equal("{ resource.service.name = \"checkout\" && status = error } | select(.tenant.id, .region)",
            TraceQl.WithSelect(TraceQl.SpanSet("checkout", errorsOnly: true), ["tenant.id", "region"]));

    [Fact]
    public void WithoutKeysTheSpanSetIsUnchanged() =>
        Assert.Equal("{ resource.service.name = \"checkout\" }", TraceQl.WithSelect(TraceQl.SpanSet("checkout"), []));

    [Theory]
    [InlineData("tenant.id", "tenant.id")]
    [InlineData(".tenant.id", "tenant.id")]
    [InlineData("span.tenant.id", "tenant.id")]
    [InlineData("resource.service.version", "service.version")]
    [InlineData("status", "status")]
    public void TempoAnswersASelectedKeyUnderItsNameWithoutTheScope(string key, string expected) =>
        Assert.Equal(expected, TraceQl.ResultName(key));
}
