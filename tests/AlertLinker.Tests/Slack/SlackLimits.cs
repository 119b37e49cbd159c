using AlertLinker.Slack;

namespace AlertLinker.Tests.Slack;

/// <summary>Block Kit's limits (shared/reference/webhooks-and-slack.md), checked on a rendered message.</summary>
internal static class SlackLimits
{
    public static void AssertWithin(SlackMessage message)
    {
        Assert.InRange(message.Blocks.Count, 1, SlackText.MaxBlocks);
        Assert.InRange(message.TextObjects().Sum(t => t.Text.Length), 1, SlackText.MaxTotalTextLength);
        Assert.InRange(message.Text.Length, 1, SlackText.MaxTextLength);
        foreach (var block in message.Blocks)
        {
            switch (block)
            {
                case HeaderBlock header:
                    Assert.InRange(header.Text.Text.Length, 1, SlackText.MaxHeaderLength);
                    break;
                case SectionBlock section:
                    Assert.True(section.Text is not null || section.Fields is { Count: > 0 });
                    if (section.Text is not null)
                        Assert.InRange(section.Text.Text.Length, 1, SlackText.MaxTextLength);
                    Assert.InRange(section.Fields?.Count ?? 0, 0, SlackText.MaxFields);
                    Assert.All(section.Fields ?? [], f => Assert.InRange(f.Text.Length, 1, SlackText.MaxFieldLength));
                    break;
                case ContextBlock context:
                    Assert.InRange(context.Elements.Count, 1, SlackText.MaxContextElements);
                    Assert.All(context.Elements, e => Assert.InRange(e.Text.Length, 1, SlackText.MaxTextLength));
                    break;
            }
        }
    }
}
