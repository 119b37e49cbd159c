using System.Text.Json;
using AlertLinker.Backends.Honeycomb;

namespace AlertLinker.Tests.Backends.Honeycomb;

public sealed class HoneycombLinksTests
{
    private static readonly Uri Ui = new("https://ui.honeycomb.io/");

    [Fact]
    public void TraceLinkNamesTheEnvironmentNotTheDatasetAndTheWindowInUnixSeconds()
    {
        var url = HoneycombLinks.Trace(Ui, "acme", "production", "checkout", "4bf92f3577b34da66c7e6c5b1e3a2f1c", BackendTestHost.Window);

        Assert.Equal(
            "https://ui.honeycomb.io/acme/environments/production/trace?trace_id=4bf92f3577b34da66c7e6c5b1e3a2f1c&trace_start_ts=1795428000&trace_end_ts=1795429200",
            url.AbsoluteUri);
    }

    [Fact]
    public void ClassicTeamsHaveNoEnvironmentButTheDatasetInTheirTraceLinks()
    {
        var url = HoneycombLinks.Trace(Ui, "acme", null, "checkout", "abc", BackendTestHost.Window);

        Assert.StartsWith("https://ui.honeycomb.io/acme/datasets/checkout/trace?trace_id=abc", url.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void QueryTemplateLinkCarriesTheSpecAsJsonInSeconds()
    {
        var spec = HoneycombQuerySpec.SlowestTraces("checkout", "GET /cart", BackendTestHost.Window, 10, errorsOnly: true);

        var url = HoneycombLinks.Query(Ui, "acme", "production", "checkout", spec);

        Assert.StartsWith("https://ui.honeycomb.io/acme/environments/production/datasets/checkout?query=", url.AbsoluteUri, StringComparison.Ordinal);
        var json = Uri.UnescapeDataString(url.Query["?query=".Length..]);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal(1795428000, root.GetProperty("start_time").GetInt64());
        Assert.Equal(1795429200, root.GetProperty("end_time").GetInt64());
        Assert.Equal("MAX", root.GetProperty("calculations")[0].GetProperty("op").GetString());
        Assert.Equal("duration_ms", root.GetProperty("calculations")[0].GetProperty("column").GetString());
        Assert.Equal("trace.trace_id", root.GetProperty("breakdowns")[0].GetString());
        Assert.Equal("descending", root.GetProperty("orders")[0].GetProperty("order").GetString());
        Assert.Equal("AND", root.GetProperty("filter_combination").GetString());
        Assert.Equal(10, root.GetProperty("limit").GetInt32());
        var filters = root.GetProperty("filters").EnumerateArray().Select(f => (f.GetProperty("column").GetString(), f.GetProperty("op").GetString(), f.GetProperty("value").ToString())).ToList();
        Assert.Equal([("service.name", "=", "checkout"), ("name", "=", "GET /cart"), ("error", "=", "True")], filters);
        Assert.Equal(JsonValueKind.True, root.GetProperty("filters")[2].GetProperty("value").ValueKind);
    }

    [Fact]
    public void AMinimumDurationIsANumericFilterInMilliseconds()
    {
        var spec = HoneycombQuerySpec.SlowestTraces("checkout", null, BackendTestHost.Window, 5, minDuration: TimeSpan.FromMilliseconds(1500));

        using var document = JsonDocument.Parse(spec.ToJson());
        var filter = document.RootElement.GetProperty("filters")[1];
        Assert.Equal("duration_ms", filter.GetProperty("column").GetString());
        Assert.Equal(">", filter.GetProperty("op").GetString());
        Assert.Equal(1500, filter.GetProperty("value").GetDouble());
    }
}
