using AlertLinker.Backends.Datadog;

namespace AlertLinker.Tests.Backends.Datadog;

public sealed class DatadogLinksTests
{
    private static readonly Uri Ui = new("https://app.datadoghq.eu/");

    [Fact]
    public void ExplorerLinkCarriesTheQueryAndTheWindowInEpochMilliseconds()
    {
        var url = DatadogLinks.Explorer(Ui, "service:checkout env:prod status:error", BackendTestHost.Window);

        Assert.Equal(
            "https://app.datadoghq.eu/apm/traces?query=service%3Acheckout%20env%3Aprod%20status%3Aerror&start=1795428000000&end=1795429200000&paused=true",
            url.AbsoluteUri);
    }

    [Fact]
    public void TraceLinkNamesTheSpanAndATimeHintInMilliseconds()
    {
        var url = DatadogLinks.Trace(Ui, "7817822160947910556", "3601830290946202752", BackendTestHost.Window.Start);

        Assert.Equal("https://app.datadoghq.eu/apm/trace/7817822160947910556?spanID=3601830290946202752&timeHint=1795428000000", url.AbsoluteUri);
    }

    [Fact]
    public void QueryScopesServiceEnvAndOperationAndAsksForSlowOrErroredSpans()
    {
        Assert.Equal("service:checkout env:prod resource_name:\"GET /cart\" @duration:>500000000",
            DatadogLinks.Query("checkout", "prod", "GET /cart", minDuration: TimeSpan.FromMilliseconds(500)));
        Assert.Equal("service:checkout status:error", DatadogLinks.Query("checkout", null, errorsOnly: true));
    }

    [Fact]
    public void AttributeValuesAreQuotedSoALabelCannotAddTerms()
    {
        var query = DatadogLinks.Query("checkout", null, attributes: new Dictionary<string, string>
        {
            ["http.route"] = "/pay\" OR service:*",
            ["@db.system"] = "postgresql",
        });

        Assert.Equal("service:checkout @db.system:postgresql @http.route:\"/pay\\\" OR service:*\"", query);
    }

    [Theory]
    [InlineData("datadoghq.com", "https://api.datadoghq.com/", "https://app.datadoghq.com/")]
    [InlineData("datadoghq.eu", "https://api.datadoghq.eu/", "https://app.datadoghq.eu/")]
    [InlineData("us3.datadoghq.com", "https://api.us3.datadoghq.com/", "https://us3.datadoghq.com/")]
    [InlineData("ap1.datadoghq.com", "https://api.ap1.datadoghq.com/", "https://ap1.datadoghq.com/")]
    [InlineData("ddog-gov.com", "https://api.ddog-gov.com/", "https://app.ddog-gov.com/")]
    public void EachSiteHasItsApiAndUiHost(string site, string api, string ui)
    {
        Assert.Equal(api, DatadogOptions.ApiUrlFor(site).AbsoluteUri);
        Assert.Equal(ui, DatadogOptions.UiUrlFor(site).AbsoluteUri);
    }
}
