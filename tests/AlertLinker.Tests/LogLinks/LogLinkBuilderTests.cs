using AlertLinker.Tests.Backends;
using AlertLinker.LogLinks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.LogLinks;

public sealed class LogLinkBuilderTests
{
    private const string Kibana =
        "https://kibana.example.com/app/discover#/?_a=(query:(language:kuery,query:'trace.id:\"{trace_id}\"'))&_g=(time:(from:'{start}',to:'{end}'))";

    private static LogLinkBuilder Builder(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>("AlertLinker:LogLinks:" + s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddLogLinks(configuration).BuildServiceProvider().GetRequiredService<LogLinkBuilder>();
    }

    [Fact]
    public void AKibanaTemplateGetsTheTraceIdAndTheWindowInIso8601()
    {
        var builder = Builder(("kibana:Type", "UrlTemplate"), ("kibana:Template", Kibana));

        var link = Assert.Single(builder.Build("4bf92f3577b34da6a3ce929d0e0e4736", "checkout", BackendTestHost.Window));

        Assert.Equal("kibana", link.Title);
        Assert.Equal(
            "https://kibana.example.com/app/discover#/?_a=(query:(language:kuery,query:'trace.id:\"4bf92f3577b34da6a3ce929d0e0e4736\"'))"
            + "&_g=(time:(from:'2026-11-23T10%3A00%3A00.000Z',to:'2026-11-23T10%3A20%3A00.000Z'))",
            link.Url.OriginalString);
    }

    [Fact]
    public void TemplateValuesAreUrlEscapedAndMillisecondsAreMilliseconds()
    {
        var url = LogLinkBuilder.Expand("https://logs.example.com/?q={trace_id}&svc={service}&from={start_ms}&to={end_ms}",
            "a&b=c#d", "check out/&x", BackendTestHost.Window);

        Assert.Equal("https://logs.example.com/?q=a%26b%3Dc%23d&svc=check%20out%2F%26x&from=1795428000000&to=1795429200000", url.OriginalString);
    }

    [Fact]
    public void ALokiEntryGivesAnExploreLinkWithItsTitleAndLogQl()
    {
        var builder = Builder(("loki:Type", "Loki"), ("loki:Title", "Logs"), ("loki:GrafanaUrl", "https://grafana.example.com/"),
            ("loki:DatasourceUid", "loki-uid"), ("loki:ServiceLabel", "app"));

        var link = Assert.Single(builder.Build("abc", "checkout", BackendTestHost.Window));

        Assert.Equal("Logs", link.Title);
        Assert.Equal("{app=\"checkout\"} |= \"abc\"", link.Query);
        Assert.Contains("loki-uid", Uri.UnescapeDataString(link.Url.Query), StringComparison.Ordinal);
    }

    [Fact]
    public void NoEntriesMeansNoLinks()
    {
        var builder = Builder();

        Assert.False(builder.Any);
        Assert.Empty(builder.Build("abc", "checkout", BackendTestHost.Window));
    }

    [Fact]
    public void BadEntriesStopStartUpWithEveryProblemNamed()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Builder(
            ("loki:Type", "Loki"), ("loki:ServiceLabel", "service.name"),
            ("kibana:Type", "UrlTemplate"), ("kibana:Template", "kibana/discover?q={traceid}"),
            ("none:Title", "x")));

        Assert.Contains(error.Failures, f => f.StartsWith("AlertLinker:LogLinks:loki:GrafanaUrl is required for Type Loki", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("AlertLinker:LogLinks:loki:DatasourceUid is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("AlertLinker:LogLinks:loki:ServiceLabel must be a Loki label name", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("kibana:Template uses unknown placeholders {traceid}; known: {trace_id}", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("kibana:Template must contain {trace_id}", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("kibana:Template must be an absolute http(s) URL", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.StartsWith("AlertLinker:LogLinks:none:Type is required: Loki or UrlTemplate", StringComparison.Ordinal));
    }

    [Fact]
    public void AnUnknownTypeIsNamed()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Builder(("splunk:Type", "Splunk")));

        Assert.Contains(error.Failures, f => f.StartsWith("AlertLinker:LogLinks:splunk:", StringComparison.Ordinal) && f.Contains("Loki or UrlTemplate", StringComparison.Ordinal));
    }
}
