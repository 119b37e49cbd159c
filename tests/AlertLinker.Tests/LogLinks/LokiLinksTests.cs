using AlertLinker.Tests.Backends;
using System.Text.Json;
using AlertLinker.LogLinks;

namespace AlertLinker.Tests.LogLinks;

public sealed class LokiLinksTests
{
    [Fact]
    public void LogQlSelectsTheServiceStreamAndFiltersLinesByTheTraceId()
    {
        Assert.Equal("{service_name=\"checkout\"} |= \"4bf92f3577b34da6a3ce929d0e0e4736\"",
            LokiLinks.LogQl("4bf92f3577b34da6a3ce929d0e0e4736", "checkout", "service_name", null));
    }

    [Fact]
    public void AFieldMatchesTheTraceIdExactlyAndNoServiceSearchesAllStreams()
    {
        Assert.Equal("{app=~\".+\"} | trace_id=\"abc\"", LokiLinks.LogQl("abc", null, "app", "trace_id"));
    }

    [Fact]
    public void QuotesInValuesCannotEndTheString()
    {
        Assert.Equal("{service_name=\"a\\\"} or {x=\\\"y\"} |= \"id\"", LokiLinks.LogQl("id", "a\"} or {x=\"y", "service_name", null));
    }

    [Fact]
    public void ANewlineIsEscapedAndOtherControlCharactersBecomeSpacesUnlikeInTraceQl()
    {
        Assert.Equal("\"x\\ny  a\"", LokiLinks.Quote("x\ny\t\u0001a"));
        Assert.Equal("\"x\\ny\\t\\u0001a\"", AlertLinker.Backends.Tempo.TraceQl.Quote("x\ny\t\u0001a"));
    }

    [Fact]
    public void ExploreLinkUsesTheLokiDatasourceAndTheWindowInMillisecondStrings()
    {
        var url = LokiLinks.Explore(new Uri("https://grafana.example.com/"), 2, "loki-uid", "{service_name=\"checkout\"} |= \"abc\"", BackendTestHost.Window);

        Assert.StartsWith("https://grafana.example.com/explore?schemaVersion=1&orgId=2&panes=", url.AbsoluteUri, StringComparison.Ordinal);
        var panes = Uri.UnescapeDataString(url.Query[(url.Query.IndexOf("panes=", StringComparison.Ordinal) + "panes=".Length)..]);
        using var document = JsonDocument.Parse(panes);
        var pane = document.RootElement.EnumerateObject().Single();
        Assert.Matches("^[0-9a-z]{3}$", pane.Name);
        Assert.Equal("loki-uid", pane.Value.GetProperty("datasource").GetString());
        var query = pane.Value.GetProperty("queries")[0];
        Assert.Equal("loki", query.GetProperty("datasource").GetProperty("type").GetString());
        Assert.Equal("{service_name=\"checkout\"} |= \"abc\"", query.GetProperty("expr").GetString());
        Assert.Equal("1795428000000", pane.Value.GetProperty("range").GetProperty("from").GetString());
        Assert.Equal("1795429200000", pane.Value.GetProperty("range").GetProperty("to").GetString());
    }
}
