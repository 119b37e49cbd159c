using AlertLinker.Backends.Lightstep;

namespace AlertLinker.Tests.Backends.Lightstep;

public sealed class LightstepLinksTests
{
    private static readonly Uri Ui = new("https://app.lightstep.com/");

    [Fact]
    public void NotebookLinkCarriesTheUqlAndTheWindowInMicroseconds()
    {
        var url = LightstepLinks.Notebook(Ui, "dev", "spans count | delta", BackendTestHost.Window);

        Assert.Equal(
            "https://app.lightstep.com/dev/notebooks?version=2&start_micros=1795428000000000&end_micros=1795429200000000&query=spans%20count%20%7C%20delta",
            url.AbsoluteUri);
    }

    [Fact]
    public void TraceViewOpensOnASpanAtAMicrosecondTime()
    {
        var url = LightstepLinks.Trace(Ui, "dev", "7c74a3963449b028", BackendTestHost.Window.Start);

        Assert.Equal("https://app.lightstep.com/dev/trace?span_guid=7c74a3963449b028&at_micros=1795428000000000", url.AbsoluteUri);
    }

    [Fact]
    public void FilterQuotesValuesSoALabelCannotEndTheString()
    {
        Assert.Equal("service == \"check\\\"out\" && operation == \"GET /\" && error == true",
            LightstepLinks.Filter("check\"out", "GET /", errorsOnly: true));
        Assert.Equal("spans count | delta | filter service == \"a\" | group_by [], sum", LightstepLinks.CountQuery("service == \"a\""));
    }
}
