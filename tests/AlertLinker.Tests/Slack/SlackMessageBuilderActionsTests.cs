using System.Text.Json.Nodes;
using AlertLinker.Slack;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

/// <summary>The builder's hook for Actions/: the offered row is one actions block above the footer, inside Slack's limits.</summary>
public sealed class SlackMessageBuilderActionsTests
{
    private sealed class Offering(MessageActions? row) : IMessageActions
    {
        public List<AlertNotification> AskedFor { get; } = [];

        public MessageActions? For(AlertNotification notification)
        {
            AskedFor.Add(notification);
            return row;
        }
    }

    private static readonly MessageActions Row = new("alertlinker_actions",
    [
        new MessageAction("alertlinker.silence.60", "🔕 Silence 1 h", "k3x9q2m7p4ab", MessageActionStyle.Primary),
        new MessageAction("alertlinker.silence.240", "🔕 Silence 4 h", "k3x9q2m7p4ab"),
    ]);

    [Fact]
    public void TheOfferedRowIsAnActionsBlockJustAboveTheFooter()
    {
        var actions = new Offering(Row);
        var notification = Notification(Enriched(Alert()));

        var message = new SlackMessageBuilder(actions: actions).Build(notification);

        Assert.Same(notification.Notification, Assert.Single(actions.AskedFor));
        var row = Assert.IsType<ActionsBlock>(message.Blocks[^2]);
        Assert.Equal("alertlinker_actions", row.BlockId);
        Assert.Equal(["alertlinker.silence.60", "alertlinker.silence.240"], row.Elements.Select(e => e.ActionId));
        Assert.IsType<ContextBlock>(message.Blocks[^1]);
    }

    [Fact]
    public void TheRowSerializesAsSlacksButtonShape()
    {
        var message = new SlackMessageBuilder(actions: new Offering(Row)).Build(Notification(Enriched(Alert())));

        var json = JsonNode.Parse(SlackJson.Serialize(message.Blocks))!.AsArray();
        var row = json.Single(b => b!["type"]!.GetValue<string>() == "actions")!;
        Assert.Equal("alertlinker_actions", row["block_id"]!.GetValue<string>());
        var button = row["elements"]![0]!;
        Assert.Equal("button", button["type"]!.GetValue<string>());
        Assert.Equal("plain_text", button["text"]!["type"]!.GetValue<string>());
        Assert.Equal("🔕 Silence 1 h", button["text"]!["text"]!.GetValue<string>());
        Assert.Equal("alertlinker.silence.60", button["action_id"]!.GetValue<string>());
        Assert.Equal("k3x9q2m7p4ab", button["value"]!.GetValue<string>());
        Assert.Equal("primary", button["style"]!.GetValue<string>());
        Assert.Null(row["elements"]![1]!["style"]);
    }

    [Fact]
    public void WithNothingOfferedTheMessageIsTheSameAsWithoutTheHook()
    {
        var notification = Notification(Enriched(Alert()));

        var withHook = new SlackMessageBuilder(actions: new Offering(null)).Build(notification);
        var without = new SlackMessageBuilder().Build(notification);

        Assert.Equal(SlackJson.Serialize(without.Blocks), SlackJson.Serialize(withHook.Blocks));
    }

    [Fact]
    public void AStormOfAlertsWithTheRowStaysWithinFiftyBlocksAndKeepsTheRow()
    {
        var alerts = Enumerable.Range(0, 120).Select(i => Enriched(Alert(fingerprint: "fp" + i))).ToArray();

        var message = new SlackMessageBuilder(actions: new Offering(Row)).Build(Notification(alerts));

        Assert.InRange(message.Blocks.Count, 1, SlackText.MaxBlocks);
        Assert.InRange(message.TextObjects().Sum(t => t.Text.Length), 1, SlackText.MaxTotalTextLength);
        Assert.Single(message.Blocks.OfType<ActionsBlock>());
    }
}
