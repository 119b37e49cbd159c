using System.Text.Json;
using System.Web;
using AlertLinker.Backends;
using AlertLinker.Backends.Tempo;

namespace AlertLinker.Tests.Backends.Tempo;

public sealed class TempoLinksTests
{
    private static readonly Uri Grafana = new("https://grafana.example.com/");

    [Fact]
    public void PanesJsonHasTheReferenceShapeWithRangeInMillisecondStrings()
    {
        var json = TempoLinks.PanesJson("tempo-uid", "{ status = error }", BackendTestHost.Window, 20);

        Assert.Equal(
            "{\"alk\":{\"datasource\":\"tempo-uid\",\"queries\":[{\"refId\":\"A\",\"datasource\":{\"type\":\"tempo\",\"uid\":\"tempo-uid\"},"
            + "\"queryType\":\"traceql\",\"query\":\"{ status = error }\",\"limit\":20,\"tableType\":\"traces\"}],"
            + "\"range\":{\"from\":\"1795428000000\",\"to\":\"1795429200000\"}}}",
            json);
    }

    [Fact]
    public void PaneKeyIsThreeLowercaseCharactersWithALetter()
    {
        Assert.Equal(3, GrafanaExplore.PaneKey.Length);
        Assert.All(GrafanaExplore.PaneKey, c => Assert.True(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)));
        Assert.Contains(GrafanaExplore.PaneKey, char.IsAsciiLetterLower);
    }

    [Fact]
    public void ExploreLinkCarriesSchemaOrgAndUrlEncodedPanes()
    {
        var query = "{ resource.service.name = \"checkout\" && duration > 500ms }";
        var url = TempoLinks.Explore(new Uri("https://host/grafana"), 2, "uid1", query, BackendTestHost.Window);

        Assert.StartsWith("https://host/grafana/explore?schemaVersion=1&orgId=2&panes=%7B%22alk%22", url.AbsoluteUri, StringComparison.Ordinal);
        var panes = JsonDocument.Parse(HttpUtility.ParseQueryString(url.Query)["panes"]!).RootElement.GetProperty("alk");
        Assert.Equal(query, panes.GetProperty("queries")[0].GetProperty("query").GetString());
        Assert.Equal(JsonValueKind.String, panes.GetProperty("range").GetProperty("from").ValueKind);
    }

    [Fact]
    public void TraceLinkIsExploreWithTheTraceIdAsQuery()
    {
        using var host = new BackendTestHost(BackendTestHost.Settings("tempo",
            ("Type", "Tempo"), ("ApiUrl", "http://127.0.0.1:3200/"), ("UiUrl", "https://grafana.example.com/"), ("DatasourceUid", "tempo-uid")));

        var url = host.Backend("tempo").BuildTraceLink("5b8efff798038103d269b633813fc700", BackendTestHost.Window)!;

        var panes = JsonDocument.Parse(HttpUtility.ParseQueryString(url.Query)["panes"]!).RootElement.GetProperty("alk");
        Assert.Equal("5b8efff798038103d269b633813fc700", panes.GetProperty("queries")[0].GetProperty("query").GetString());
        Assert.Equal("tempo-uid", panes.GetProperty("datasource").GetString());
        Assert.Equal("https://grafana.example.com/explore", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("1", HttpUtility.ParseQueryString(url.Query)["orgId"]);
    }

    [Fact]
    public void AlertLinksAreSlowAndErroredTraceQl()
    {
        using var host = new BackendTestHost(BackendTestHost.Settings("tempo",
            ("Type", "Tempo"), ("ApiUrl", "http://127.0.0.1:3200/"), ("UiUrl", "https://grafana.example.com/"),
            ("DatasourceUid", "tempo-uid"), ("SlowThreshold", "00:00:01")));

        var links = host.Backend("tempo").BuildLinks(BackendTestHost.Alert("checkout", BackendTestHost.Window, "GET /cart"));

        Assert.Equal(["{ resource.service.name = \"checkout\" && name = \"GET /cart\" && duration > 1s }",
            "{ resource.service.name = \"checkout\" && name = \"GET /cart\" && status = error }"], links.Select(l => l.Query));
    }
}
