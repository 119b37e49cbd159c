using AlertLinker.Backends;
using AlertLinker.LogLinks;
using AlertLinker.Slack;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

public sealed class SlackMessageBuilderLogLinksTests
{
    private static LogLinkBuilder Kibana() => new([new LogLinkDefinition("Kibana", new LogLinkOptions
    {
        Type = LogLinkType.UrlTemplate,
        Template = "https://kibana.example.com/app/discover#/?q=trace.id:{trace_id}&svc={service}&from={start_ms}",
    })]);

    [Fact]
    public void EachExemplarTraceCarriesItsLogLinkScopedToTheAlertsServiceAndWindow()
    {
        var enriched = Enriched(Alert());
        enriched = enriched with { LogLinks = Kibana().ForTraces(enriched.Resolved, enriched.Traces) };
        var text = Text(new SlackMessageBuilder().Build(Notification(enriched)));

        var from = BackendTime.ToUnixMilliseconds(Start.AddMinutes(-15));
        Assert.Contains(
            $"· 812 ms · checkout: GET /checkout · logs: <https://kibana.example.com/app/discover#/?q=trace.id:4bf92f3577b34da6a3ce929d0e0e4736&amp;svc=checkout&amp;from={from}|Kibana>",
            text, StringComparison.Ordinal);
        Assert.Contains("· ❗ error · logs: <https://kibana.example.com/app/discover#/?q=trace.id:00f067aa0ba902b7a3ce929d0e0e4736&amp;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutLogLinksTheExemplarLineIsUnchanged()
    {
        var text = Text(new SlackMessageBuilder().Build(Notification(Enriched(Alert()))));

        Assert.DoesNotContain("logs:", text, StringComparison.Ordinal);
    }

    private static string Text(SlackMessage message) => string.Join("\n", message.TextObjects().Select(t => t.Text));
}
