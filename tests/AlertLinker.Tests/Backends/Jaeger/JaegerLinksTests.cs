using System.Web;
using AlertLinker.Backends;
using AlertLinker.Backends.Jaeger;

namespace AlertLinker.Tests.Backends.Jaeger;

public sealed class JaegerLinksTests
{
    private static readonly Uri Ui = new("https://jaeger.example.com/");

    [Fact]
    public void SearchLinkCarriesTheWindowInMicroseconds()
    {
        var url = JaegerLinks.Search(Ui, "checkout", "GET /cart", BackendTestHost.Window, 20, TimeSpan.FromMilliseconds(500), null);
        var query = HttpUtility.ParseQueryString(url.Query);

        Assert.Equal("https://jaeger.example.com/search", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("checkout", query["service"]);
        Assert.Equal("GET /cart", query["operation"]);
        Assert.Equal("1795428000000000", query["start"]);
        Assert.Equal("1795429200000000", query["end"]);
        Assert.Equal("20", query["limit"]);
        Assert.Equal("custom", query["lookback"]);
        Assert.Equal("500ms", query["minDuration"]);
        Assert.Null(query["tags"]);
    }

    [Fact]
    public void SearchLinkParametersComeInTheUiOrder()
    {
        var url = JaegerLinks.Search(Ui, "checkout", "op", BackendTestHost.Window, 20, TimeSpan.FromSeconds(1),
            new Dictionary<string, string> { ["error"] = "true" });
        Assert.Equal(
            "?service=checkout&operation=op&start=1795428000000000&end=1795429200000000&limit=20&lookback=custom&minDuration=1s"
            + "&tags=%7B%22error%22%3A%22true%22%7D",
            url.Query);
    }

    [Fact]
    public void TagsAreAUrlEncodedJsonMapWithSortedKeys()
    {
        var url = JaegerLinks.Search(Ui, "checkout", null, BackendTestHost.Window, 20, null,
            new Dictionary<string, string> { ["http.route"] = "/cart \"x\"", ["error"] = "true" });
        var tags = HttpUtility.ParseQueryString(url.Query)["tags"];
        Assert.Equal("{\"error\":\"true\",\"http.route\":\"/cart \\\"x\\\"\"}", tags);
        Assert.DoesNotContain("operation=", url.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void TraceLinkKeepsTheUiBasePath() =>
        Assert.Equal("https://host/jaeger/trace/83a9efd15c1c98a977e0711cc93ee28b",
            JaegerLinks.Trace(new Uri("https://host/jaeger"), "83a9efd15c1c98a977e0711cc93ee28b").AbsoluteUri);

    [Fact]
    public void SearchLinkFromATraceSearchTurnsAttributesIntoTagsAndErrorsOnlyIntoTheErrorTag()
    {
        using var host = new BackendTestHost(BackendTestHost.Settings("jaeger",
            ("Type", "Jaeger"), ("ApiUrl", "http://127.0.0.1:16686/"), ("UiUrl", "https://jaeger.example.com/")));
        var search = new TraceSearch("checkout", "charge", BackendTestHost.Window,
            new Dictionary<string, string> { ["db.system"] = "postgresql" }, TimeSpan.FromMilliseconds(250), ErrorsOnly: true, Limit: 10);

        var link = host.Backend("jaeger").BuildSearchLink(search)!;
        var query = HttpUtility.ParseQueryString(link.Url.Query);

        Assert.Equal("{\"db.system\":\"postgresql\",\"error\":\"true\"}", query["tags"]);
        Assert.Equal(query["tags"], link.Query);
        Assert.Equal("250ms", query["minDuration"]);
        Assert.Equal("10", query["limit"]);
        Assert.Equal("charge", query["operation"]);
    }

    [Fact]
    public void AlertLinksNeedAService()
    {
        using var host = new BackendTestHost(BackendTestHost.Settings("jaeger", ("Type", "Jaeger"), ("ApiUrl", "http://127.0.0.1:16686/")));
        var backend = host.Backend("jaeger");
        Assert.Empty(backend.BuildLinks(BackendTestHost.Alert(null, BackendTestHost.Window)));
        var links = backend.BuildLinks(BackendTestHost.Alert("checkout", BackendTestHost.Window));
        Assert.Equal(2, links.Count);
        Assert.Contains("tags=", links[1].Url.Query, StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:16686/search?service=checkout", links[0].Url.AbsoluteUri, StringComparison.Ordinal);
    }
}
