using System.Text;
using System.Text.Json.Nodes;
using AlertLinker.Sources.Opsgenie;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Sources.Opsgenie;

public sealed class OpsgenieParserTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    private static OpsgenieDelivery Parse(byte[] body, OpsgenieOptions? options = null)
    {
        Assert.True(OpsgenieParser.TryParse(body, options ?? new OpsgenieOptions(), ReceivedAt, out var delivery, out var error), error);
        return delivery!;
    }

    private static OpsgenieDelivery Parse(string fixture, OpsgenieOptions? options = null) =>
        Parse(SharedFixtures.ReadBytes("webhooks/opsgenie/" + fixture), options);

    private static byte[] Mutated(string fixture, Action<JsonNode> change)
    {
        var node = JsonNode.Parse(SharedFixtures.Read("webhooks/opsgenie/" + fixture))!;
        change(node);
        return Encoding.UTF8.GetBytes(node.ToJsonString());
    }

    private static string Refused(byte[] body)
    {
        Assert.False(OpsgenieParser.TryParse(body, new OpsgenieOptions(), ReceivedAt, out _, out var error));
        return error!;
    }

    [Fact]
    public void CreateIsFiringWithTheCreationTimeInMillisecondsAndTheAlertIdAsGroup()
    {
        var notification = Parse("docs-sample-create.json").Notification!;

        var alert = Assert.Single(notification.Alerts);
        Assert.Equal(("opsgenie", "052652ac-5d1c-464a-812a-7dd18bbfba8c", AlertStatus.Firing), (notification.Source, notification.GroupKey, alert.Status));
        Assert.Equal("test alert", alert.Name);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1420452191104), alert.StartsAt);
        Assert.Equal("aliastest", alert.Label("alias"));
        Assert.Equal("23", alert.Label("opsgenie_tiny_id"));
        Assert.Equal("tag1, tag2", alert.Label("tags"));
        Assert.Equal("team1, team2", alert.Label("teams"));
        Assert.Null(alert.Label("service"));
        Assert.Equal("Create@1420452193166002000", notification.DeliveryId);
    }

    [Fact]
    public void ANumericPriorityReadsLikeTheStringOne()
    {
        var alert = Parse("zulip-create.json").Notification!.Alerts[0];

        Assert.Equal("P3", alert.Label("priority"));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1502709956288), alert.StartsAt);
    }

    [Theory]
    [InlineData("\"P1\"", "P1")]
    [InlineData("\"p2\"", "P2")]
    [InlineData("5", "P5")]
    [InlineData("null", null)]
    public void PriorityIsAStringOrANumber(string json, string? expected)
    {
        var body = Mutated("docs-sample-create.json", n => n["alert"]!["priority"] = JsonNode.Parse(json));

        Assert.Equal(expected, Parse(body).Notification!.Alerts[0].Label("priority"));
    }

    [Theory]
    [InlineData("\"urgent\"")]
    [InlineData("9")]
    [InlineData("{}")]
    public void AnUnknownPriorityIsRefusedNamingTheField(string json) =>
        Assert.Contains("$.alert.priority", Refused(Mutated("docs-sample-create.json", n => n["alert"]!["priority"] = JsonNode.Parse(json))));

    [Fact]
    public void ServiceComesFromAServiceTagByDefault()
    {
        var body = Mutated("docs-sample-create.json", n => n["alert"]!["tags"] = new JsonArray("team:payments", "service:checkout", "operation:POST /pay"));

        var alert = Parse(body).Notification!.Alerts[0];

        Assert.Equal(("checkout", "POST /pay", "payments"), (alert.Label("service"), alert.Label("operation"), alert.Label("team")));
    }

    [Fact]
    public void ServiceCanComeFromTheEntity()
    {
        var alert = Parse("zulip-create.json", new OpsgenieOptions { ServiceSource = OpsgenieServiceSource.Entity }).Notification!.Alerts[0];

        Assert.Equal("Server", alert.Label("service"));
    }

    [Fact]
    public void ServiceCanComeFromADetailsKey()
    {
        var body = Mutated("docs-sample-create.json", n => n["alert"]!["details"] = new JsonObject { ["svc"] = "checkout", ["tenant"] = "acme", ["retries"] = 3 });

        var alert = Parse(body, new OpsgenieOptions { ServiceSource = OpsgenieServiceSource.Details, ServiceKey = "svc" }).Notification!.Alerts[0];

        Assert.Equal(("checkout", "acme", "3"), (alert.Label("service"), alert.Label("tenant"), alert.Label("retries")));
    }

    [Fact]
    public void AcknowledgeIsAcknowledgedAndUnAcknowledgeIsFiringAgain()
    {
        Assert.Equal(AlertStatus.Acknowledged, Parse("docs-sample-acknowledge.json").Notification!.Status);
        Assert.Equal(AlertStatus.Firing, Parse("docs-sample-unacknowledge.json").Notification!.Status);
    }

    [Fact]
    public void CloseIsResolvedAndEndsAtTheUpdateTimeInNanoseconds()
    {
        var alert = Parse("docs-sample-close.json").Notification!.Alerts[0];

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1420452374669), alert.EndsAt);
    }

    [Fact]
    public void AddNoteIsANoteForTheAlertsThread()
    {
        var notification = Parse("docs-sample-addnote.json").Notification!;

        Assert.Equal((NotificationKind.Note, "note to test alert"), (notification.Kind, notification.Note));
        Assert.Equal("052652ac-5d1c-464a-812a-7dd18bbfba8c", notification.GroupKey);
    }

    [Theory]
    [InlineData("docs-sample-addrecipient.json", "AddRecipient")]
    [InlineData("docs-sample-addtags.json", "AddTags")]
    [InlineData("docs-sample-addteam.json", "AddTeam")]
    [InlineData("docs-sample-assignownership.json", "AssignOwnership")]
    [InlineData("docs-sample-customaction.json", "TestAction")]
    [InlineData("docs-sample-delete.json", "Delete")]
    [InlineData("docs-sample-removetags.json", "RemoveTags")]
    [InlineData("zulip-escalate.json", "Escalate")]
    [InlineData("zulip-takeownership.json", "TakeOwnership")]
    public void OtherActionsAreRecordedWithoutADelivery(string fixture, string action)
    {
        var delivery = Parse(fixture);

        Assert.Equal(action, delivery.Action);
        Assert.Null(delivery.Notification);
    }

    [Fact]
    public void TwoActionsOnOneAlertHaveDifferentDedupeKeysAndARetryTheSame()
    {
        var ack = Parse("docs-sample-acknowledge.json").Notification!;
        var unack = Parse("docs-sample-unacknowledge.json").Notification!;

        Assert.NotEqual(ack.DedupeKeys(), unack.DedupeKeys());
        Assert.Equal(ack.DedupeKeys(), Parse("docs-sample-acknowledge.json").Notification!.DedupeKeys());
    }

    [Theory]
    [InlineData(1420452191L, 1420452191000L)]
    [InlineData(1420452191104L, 1420452191104L)]
    [InlineData(1420452191104123L, 1420452191104L)]
    [InlineData(1420452193166002000L, 1420452193166L)]
    public void EpochSecondsMillisecondsMicrosecondsAndNanosecondsAreToldApartByMagnitude(long value, long expectedMilliseconds)
    {
        Assert.True(OpsgenieParser.TryInstant(value, "$.x", out var instant, out _));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(expectedMilliseconds), instant);
    }

    [Fact]
    public void ANegativeTimestampIsRefusedNamingTheField() =>
        Assert.Contains("$.alert.createdAt is -5", Refused(Mutated("docs-sample-create.json", n => n["alert"]!["createdAt"] = -5)));

    [Fact]
    public void AMissingAlertIdIsRefused() =>
        Assert.Contains("$.alert.alertId is missing", Refused(Mutated("docs-sample-create.json", n => n["alert"]!.AsObject().Remove("alertId"))));

    [Fact]
    public void AHugeTagListIsRefused() =>
        Assert.Contains("more than 2000 tags", Refused(Mutated("docs-sample-create.json",
            n => n["alert"]!["tags"] = new JsonArray(Enumerable.Range(0, 2001).Select(i => (JsonNode?)JsonValue.Create("t" + i)).ToArray()))));
}
