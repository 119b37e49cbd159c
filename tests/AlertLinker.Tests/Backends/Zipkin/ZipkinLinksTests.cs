using System.Web;
using AlertLinker.Backends.Zipkin;

namespace AlertLinker.Tests.Backends.Zipkin;

public sealed class ZipkinLinksTests
{
    private static readonly Uri Ui = new("https://zipkin.example.com/");

    [Fact]
    public void SearchLinkCarriesTheWindowInMillisecondsAndMinDurationWithItsUnit()
    {
        var url = ZipkinLinks.Search(Ui, "checkout", "get /cart", BackendTestHost.Window, 10, TimeSpan.FromMilliseconds(100), "error");
        var query = HttpUtility.ParseQueryString(url.Query);

        Assert.Equal("https://zipkin.example.com/zipkin/", url.GetLeftPart(UriPartial.Path));
        Assert.Equal("checkout", query["serviceName"]);
        Assert.Equal("get /cart", query["spanName"]);
        Assert.Equal("100ms", query["minDuration"]);
        Assert.Equal("error", query["annotationQuery"]);
        Assert.Equal("range", query["lookback"]);
        Assert.Equal("1795428000000", query["startTs"]);
        Assert.Equal("1795429200000", query["endTs"]);
        Assert.Equal("10", query["limit"]);
    }

    [Fact]
    public void OptionalParametersAreLeftOut()
    {
        var url = ZipkinLinks.Search(Ui, "checkout", null, BackendTestHost.Window, 10, null, null);

        Assert.DoesNotContain("spanName", url.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("minDuration", url.Query, StringComparison.Ordinal);
        Assert.DoesNotContain("annotationQuery", url.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void ABasePathIsKept() =>
        Assert.Equal("https://tools.example.com/tracing/zipkin/traces/1e223ff1f80f1c69",
            ZipkinLinks.Trace(new Uri("https://tools.example.com/tracing"), "1e223ff1f80f1c69").AbsoluteUri);

    [Theory]
    [InlineData(2_000_000_0, "2s")]
    [InlineData(1_500_000_0, "1500ms")]
    [InlineData(1_500_0, "1500us")]
    public void UiDurationsKeepTheirUnit(long ticks, string expected) =>
        Assert.Equal(expected, ZipkinLinks.UiDuration(TimeSpan.FromTicks(ticks)));

    [Fact]
    public void AttributeFiltersBecomeAnAnnotationQuery()
    {
        var query = ZipkinLinks.AnnotationQuery(new Dictionary<string, string> { ["http.method"] = "GET", ["db.system"] = "postgresql" }, errorsOnly: true);

        Assert.Equal("error and db.system=postgresql and http.method=GET", query);
        Assert.Null(ZipkinLinks.AnnotationQuery(new Dictionary<string, string>(), errorsOnly: false));
    }
}
