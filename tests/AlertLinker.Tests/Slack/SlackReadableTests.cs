using AlertLinker.Slack;

namespace AlertLinker.Tests.Slack;

public sealed class SlackReadableTests
{
    [Fact]
    public void LinksReadAsLabelThenUrlAndEntitiesAreDecoded()
    {
        Assert.Equal(
            "Slow traces <http://jaeger/search?service=a&limit=20> · p99 &lt; 500ms means < 500ms",
            SlackReadable.Plain("<http://jaeger/search?service=a&amp;limit=20|Slow traces> · p99 &amp;lt; 500ms means &lt; 500ms"));
        Assert.Equal("<https://example.com/x>", SlackReadable.Plain("<https://example.com/x>"));
    }

    [Fact]
    public void AMessageReadsHeaderFirstThenItsSectionsFieldsAndContextWithTheAttachmentInTheMargin()
    {
        IReadOnlyList<SlackBlock> blocks = [new HeaderBlock(TextObject.Plain("🔥 FIRING: HighLatency"))];
        IReadOnlyList<SlackAttachment> attachments =
        [
            new("#E01E5A",
            [
                new SectionBlock(null, [TextObject.Mrkdwn("*Service:* checkout"), TextObject.Mrkdwn("*Severity:* critical")]),
                new SectionBlock(TextObject.Mrkdwn("jaeger: <http://jaeger/search|Slow traces>\n• <http://jaeger/trace/4bf9|4bf92f35…> · 812 ms")),
                new DividerBlock(),
                new ContextBlock([TextObject.Mrkdwn("AlertLinker"), TextObject.Mrkdwn("alertmanager")]),
            ]),
        ];

        var text = SlackReadable.Render("fallback", blocks, attachments);

        Assert.Equal(
            """
            🔥 FIRING: HighLatency
            ┃ *Service:* checkout
            ┃ *Severity:* critical
            ┃ jaeger: Slow traces <http://jaeger/search>
            ┃ • 4bf92f35… <http://jaeger/trace/4bf9> · 812 ms
            ┃ ────────
            ┃ AlertLinker · alertmanager
            """.ReplaceLineEndings("\n"),
            text);
    }

    [Fact]
    public void AReplyWithoutBlocksReadsAsItsText()
    {
        Assert.Equal("✅ Resolved at 14:42 <https://x.example/>", SlackReadable.Render("✅ Resolved at 14:42 <https://x.example/>", null, null));
    }
}
