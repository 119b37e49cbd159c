using System.Text;
using System.Text.Json.Nodes;
using AlertLinker.Sources.PagerDuty;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Sources.PagerDuty;

public sealed class PagerDutyParserTests
{
    private static readonly DateTimeOffset ReceivedAt = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);

    private static PagerDutyDelivery Parse(string fixture, string? webhookId = null)
    {
        var ok = PagerDutyParser.TryParse(SharedFixtures.ReadBytes("webhooks/pagerduty/" + fixture), webhookId, ReceivedAt, out var delivery, out var error);
        Assert.True(ok, error);
        return delivery!;
    }

    private static string Refused(byte[] body)
    {
        Assert.False(PagerDutyParser.TryParse(body, null, ReceivedAt, out _, out var error));
        return error!;
    }

    /// <summary>A V3 envelope around one of the docs' event.data examples (the docs give data alone).</summary>
    private static byte[] Envelope(string eventType, string dataFixture) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["event"] = new JsonObject
            {
                ["id"] = "01TESTENVELOPE",
                ["event_type"] = eventType,
                ["resource_type"] = eventType.Split('.')[0],
                ["occurred_at"] = "2020-10-02T18:45:22.169Z",
                ["agent"] = null,
                ["client"] = null,
                ["data"] = JsonNode.Parse(SharedFixtures.Read("webhooks/pagerduty/" + dataFixture)),
            },
        }.ToJsonString());

    [Fact]
    public void ATriggeredIncidentIsFiringWithItsServiceUrgencyNumberAndLink()
    {
        var delivery = Parse("v3-zulip-incident.triggered.json");

        var notification = delivery.Notification!;
        var alert = Assert.Single(notification.Alerts);
        Assert.Equal(("pagerduty", "PFQZPSY", AlertStatus.Firing, NotificationKind.StateChange),
            (notification.Source, notification.GroupKey, alert.Status, notification.Kind));
        Assert.Equal("Test Incident 3", alert.Name);
        Assert.Equal("pig208", alert.Label("service"));
        Assert.Equal("high", alert.Label("urgency"));
        Assert.Equal("9", alert.Label("incident_number"));
        Assert.Null(alert.Label("priority"));
        Assert.Equal("PIG 208", alert.Annotations["assignees"]);
        Assert.Contains(alert.Links, l => l.Title == "PagerDuty incident #9" && l.Url.AbsoluteUri == "https://pig208.pagerduty.com/incidents/PFQZPSY");
        // No created_at in this capture: the event's time starts the window.
        Assert.Equal(DateTimeOffset.Parse("2021-06-04T13:35:29.781Z"), alert.StartsAt);
        Assert.Null(alert.EndsAt);
        Assert.Equal("01BZYIL05THJDFF2Y08X9SVMTU", notification.DeliveryId);
        Assert.Equal("incident.triggered", notification.Event);
    }

    [Fact]
    public void AnAcknowledgedIncidentIsAcknowledged() =>
        Assert.Equal(AlertStatus.Acknowledged, Parse("v3-zulip-incident.acknowledged.json").Notification!.Status);

    [Fact]
    public void AResolvedIncidentIsResolvedAndEndsWhenTheEventOccurred()
    {
        var alert = Assert.Single(Parse("v3-zulip-incident.resolved.json").Notification!.Alerts);

        Assert.Equal(AlertStatus.Resolved, alert.Status);
        Assert.Equal(DateTimeOffset.Parse("2021-06-04T13:16:53.816Z"), alert.EndsAt);
    }

    [Fact]
    public void AnAnnotatedIncidentIsANoteForTheIncidentsThread()
    {
        var notification = Parse("v3-zulip-incident.annotated.json").Notification!;

        Assert.Equal(NotificationKind.Note, notification.Kind);
        Assert.Equal("Q3B15VLMF3ASBD", notification.GroupKey);
        Assert.Equal("Running KILL on long-running queries from the reporting-service.", notification.Note);
        Assert.Equal("Critical: Checkout API High Latency", notification.Alerts[0].Name);
        Assert.Equal("01GI0KTE33V5QXBVIJDEVJFUNE", notification.DeliveryId);
    }

    [Fact]
    public void APriorityUpdateKeepsTheIncidentsStatusAndCarriesTheNewPriorityAndCreationTime()
    {
        var alert = Assert.Single(Parse("v3-docs-incident.priority_updated.json").Notification!.Alerts);

        Assert.Equal(AlertStatus.Firing, alert.Status);
        Assert.Equal("P1", alert.Label("priority"));
        Assert.Equal("API Service", alert.Label("service"));
        Assert.Equal("Engineering", alert.Label("teams"));
        Assert.Equal("d3640fbd41094207a1c11e58e46b1662", alert.Label("incident_key"));
        Assert.Equal(DateTimeOffset.Parse("2020-04-09T15:16:27Z"), alert.StartsAt);
    }

    [Fact]
    public void TheGoPagerDutySignedBodyWithANumericConferenceNumberParses()
    {
        var alert = Assert.Single(Parse("v3-go-pagerduty-signed-body.raw.json").Notification!.Alerts);

        Assert.Equal(("PGR0VU2", "API Service"), (alert.Fingerprint, alert.Label("service")));
    }

    [Fact]
    public void AServiceEventIsRecordedButNotDelivered()
    {
        var delivery = Parse("v3-docs-service.updated.json");

        Assert.Null(delivery.Notification);
        Assert.Equal("service.updated", delivery.EventType);
    }

    [Fact]
    public void APingIsAnsweredButNotDelivered()
    {
        // PagerDuty's ping has no public capture; this is the envelope with the documented event type.
        var body = """{"event":{"id":"01PING","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2026-11-23T18:00:00Z","agent":null,"client":null,"data":{"type":"ping"}}}"""u8.ToArray();

        Assert.True(PagerDutyParser.TryParse(body, null, ReceivedAt, out var delivery, out _));
        Assert.Null(delivery!.Notification);
    }

    [Theory]
    [InlineData("v2-docs-incident.trigger.json")]
    [InlineData("v2-docs-incident.acknowledge.json")]
    [InlineData("v2-docs-incident.resolve.json")]
    [InlineData("v2-docs-incident.assign.json")]
    public void AV2BodyIsRefusedSayingV2IsNotSupported(string fixture) =>
        Assert.Contains("V2 webhooks are not supported", Refused(SharedFixtures.ReadBytes("webhooks/pagerduty/" + fixture)));

    [Theory]
    [InlineData("rest-api-list-incident-alerts-response-example.json")]
    [InlineData("v3-docs-create-webhook-subscription-request.json")]
    [InlineData("v3-docs-event-data-incident.json")]
    [InlineData("v3-docs-event-data-incident_note.json")]
    public void ABodyThatIsNotAV3EnvelopeIsRefusedSayingSo(string fixture) =>
        Assert.Contains("$.event is missing", Refused(SharedFixtures.ReadBytes("webhooks/pagerduty/" + fixture)));

    [Fact]
    public void TheDocsIncidentDataInAnEnvelopeIsAnIncident()
    {
        Assert.True(PagerDutyParser.TryParse(Envelope("incident.escalated", "v3-docs-event-data-incident.json"), null, ReceivedAt, out var delivery, out var error), error);

        Assert.Equal(("PGR0VU2", AlertStatus.Firing), (delivery!.Notification!.GroupKey, delivery.Notification.Status));
    }

    [Theory]
    [InlineData("incident.annotated", "v3-docs-event-data-incident_note.json", "PGR0VU2")]
    [InlineData("incident.status_update_published", "v3-docs-event-data-incident_status_update.json", "A fix for this incident is being developed")]
    public void NotesAndStatusUpdatesInAnEnvelopeAreThreadNotes(string eventType, string fixture, string expected)
    {
        Assert.True(PagerDutyParser.TryParse(Envelope(eventType, fixture), null, ReceivedAt, out var delivery, out var error), error);

        Assert.Equal(NotificationKind.Note, delivery!.Notification!.Kind);
        Assert.Contains(expected, delivery.Notification.GroupKey + "|" + delivery.Notification.Note);
    }

    [Theory]
    [InlineData("incident.responder.added", "v3-docs-event-data-incident_responder.json")]
    [InlineData("incident.custom_field_values.updated", "v3-docs-event-data-incident_field_values.json")]
    [InlineData("incident.conference_bridge.updated", "v3-docs-event-data-incident_conference_bridge.json")]
    [InlineData("incident.role_assigned", "v3-docs-event-data-incident_role_assignment.json")]
    [InlineData("incident.action_invocation.created", "v3-docs-event-data-incident_action_invocation.json")]
    [InlineData("incident.workflow.started", "v3-docs-event-data-incident_workflow_instance.json")]
    [InlineData("incident.task.created", "v3-docs-event-data-incident_task.json")]
    [InlineData("service.custom_field_values.updated", "v3-docs-event-data-service_field_values.json")]
    [InlineData("service.created", "v3-docs-event-data-service.json")]
    public void OtherEventDataTypesAreRecordedWithoutADelivery(string eventType, string fixture)
    {
        Assert.True(PagerDutyParser.TryParse(Envelope(eventType, fixture), null, ReceivedAt, out var delivery, out var error), error);

        Assert.Null(delivery!.Notification);
        Assert.NotNull(delivery.IgnoredBecause);
    }

    [Fact]
    public void TheWebhookIdHeaderStandsInOnlyWhenTheBodyHasNoEventId()
    {
        Assert.Equal("01BZYIL05THJDFF2Y08X9SVMTU", Parse("v3-zulip-incident.triggered.json", webhookId: "header-id").Notification!.DeliveryId);

        var node = JsonNode.Parse(SharedFixtures.Read("webhooks/pagerduty/v3-zulip-incident.triggered.json"))!;
        node["event"]!.AsObject().Remove("id");
        Assert.True(PagerDutyParser.TryParse(Encoding.UTF8.GetBytes(node.ToJsonString()), "header-id", ReceivedAt, out var delivery, out _));
        Assert.Equal("header-id", delivery!.Notification!.DeliveryId);
    }

    [Fact]
    public void AnUnknownIncidentStatusIsRefusedNamingTheField()
    {
        var node = JsonNode.Parse(SharedFixtures.Read("webhooks/pagerduty/v3-docs-incident.priority_updated.json"))!;
        node["event"]!["data"]!["status"] = "on-fire";

        Assert.Contains("$.event.data.status is \"on-fire\"", Refused(Encoding.UTF8.GetBytes(node.ToJsonString())));
    }

    [Fact]
    public void AWrongTypeInsideTheDataIsRefusedWithItsFullPath()
    {
        var node = JsonNode.Parse(SharedFixtures.Read("webhooks/pagerduty/v3-zulip-incident.triggered.json"))!;
        node["event"]!["data"]!["number"] = "nine";

        Assert.Contains("$.event.data.number has the wrong type", Refused(Encoding.UTF8.GetBytes(node.ToJsonString())));
    }

    [Fact]
    public void AJavascriptHtmlUrlBecomesNoLink()
    {
        var node = JsonNode.Parse(SharedFixtures.Read("webhooks/pagerduty/v3-zulip-incident.triggered.json"))!;
        node["event"]!["data"]!["html_url"] = "javascript:alert(1)";
        Assert.True(PagerDutyParser.TryParse(Encoding.UTF8.GetBytes(node.ToJsonString()), null, ReceivedAt, out var delivery, out _));

        Assert.DoesNotContain(delivery!.Notification!.Alerts[0].Links, l => l.Title.StartsWith("PagerDuty incident", StringComparison.Ordinal));
    }

    [Fact]
    public void RetriesOfOneEventShareDedupeKeysAndTwoEventsOfOneIncidentDoNot()
    {
        var triggered = Parse("v3-zulip-incident.triggered.json").Notification!;
        var again = Parse("v3-zulip-incident.triggered.json").Notification!;
        var node = JsonNode.Parse(SharedFixtures.Read("webhooks/pagerduty/v3-zulip-incident.triggered.json"))!;
        node["event"]!["id"] = "01SECONDEVENT";
        PagerDutyParser.TryParse(Encoding.UTF8.GetBytes(node.ToJsonString()), null, ReceivedAt, out var other, out _);

        Assert.Equal(triggered.DedupeKeys(), again.DedupeKeys());
        Assert.NotEqual(triggered.DedupeKeys(), other!.Notification!.DedupeKeys());
    }

    [Theory]
    [InlineData("incident.reopened", "resolved", AlertStatus.Firing)]
    [InlineData("incident.unacknowledged", "acknowledged", AlertStatus.Firing)]
    [InlineData("incident.escalated", "acknowledged", AlertStatus.Acknowledged)]
    [InlineData("incident.reassigned", "triggered", AlertStatus.Firing)]
    [InlineData("incident.delegated", "resolved", AlertStatus.Resolved)]
    public void TheEventTypeDecidesTheStateWhereItNamesOneElseTheIncidentsStatusDoes(string eventType, string dataStatus, AlertStatus expected)
    {
        var node = JsonNode.Parse(SharedFixtures.Read("webhooks/pagerduty/v3-zulip-incident.triggered.json"))!;
        node["event"]!["event_type"] = eventType;
        node["event"]!["data"]!["status"] = dataStatus;

        Assert.True(PagerDutyParser.TryParse(Encoding.UTF8.GetBytes(node.ToJsonString()), null, ReceivedAt, out var delivery, out var error), error);
        Assert.Equal(expected, delivery!.Notification!.Status);
    }
}
