using System.Net;
using System.Net.Http.Json;
using AlertLinker.Sources;
using AlertLinker.Tests.TestSupport;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static AlertLinker.Tests.Sources.SourceTestApp;

namespace AlertLinker.Tests.Sources.PagerDuty;

public sealed class PagerDutyWebhookTests
{
    private const string Triggered = "webhooks/pagerduty/v3-zulip-incident.triggered.json";

    private static HttpRequestMessage Request(byte[] body, string? signature, string? webhookId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/pagerduty") { Content = Json(body) };
        if (signature is not null)
            request.Headers.TryAddWithoutValidation("X-PagerDuty-Signature", signature);
        if (webhookId is not null)
            request.Headers.TryAddWithoutValidation("X-Webhook-Id", webhookId);
        request.Headers.UserAgent.ParseAdd("PagerDuty-Webhook/V3.0");
        return request;
    }

    [Fact]
    public async Task TheGoPagerDutySignedBodyWithItsRecordedSignatureIsAccepted()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();
        var vector = System.Text.Json.JsonDocument.Parse(SharedFixtures.Read("webhooks/pagerduty/v3-go-pagerduty-signature-vector.json")).RootElement;

        var response = await client.SendAsync(Request(
            SharedFixtures.ReadBytes("webhooks/pagerduty/v3-go-pagerduty-signed-body.raw.json"), vector.GetProperty("valid_header").GetString()));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = Assert.Single(store.Stored);
        Assert.Equal(("pagerduty", "PGR0VU2", "P1"), (stored.Source, stored.GroupKey, stored.Alerts[0].Label("priority")));
    }

    [Theory]
    [InlineData(null, "header is missing")]
    [InlineData("v1=nothex", "header is malformed")]
    [InlineData("v1=7020c8a7ec668a9b7012bc3dd82e483394b038f4230acc6785efbf2a7d8bcaf5", "No X-PagerDuty-Signature signature matches")]
    public async Task UnsignedMalformedOrMisSignedDeliveriesAreRefusedWith401AndNothingIsStored(string? signature, string detail)
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();

        var response = await client.SendAsync(Request(SharedFixtures.ReadBytes(Triggered), signature));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, detail);
        Assert.DoesNotContain(PagerDutySecret, await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(app.Logs, l => l.Contains(PagerDutySecret, StringComparison.Ordinal));
        Assert.Empty(store.Stored);
    }

    [Fact]
    public async Task ABodyAlteredAfterSigningIsRefused()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);
        var signature = SignPagerDuty(body);
        body[body.Length / 2] ^= 0x01;

        var response = await client.SendAsync(Request(body, signature));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(store.Stored);
    }

    [Fact]
    public async Task DuringARotationTheNewSecretsSignatureAloneIsAccepted()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, new Dictionary<string, string?> { ["AlertLinker:Sources:PagerDuty:SigningSecrets:1"] = "the-new-secret" });
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        var response = await client.SendAsync(Request(body, SignPagerDuty(body, "some-other-secret") + "," + SignPagerDuty(body, "the-new-secret")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task TheSameDeliveryThreeTimesIsStoredOnce()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        var answers = new List<AcceptResult>();
        for (var i = 0; i < 3; i++)
        {
            var response = await client.SendAsync(Request(body, SignPagerDuty(body), webhookId: "f3c5a1c0-retry"));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            answers.Add((await response.Content.ReadFromJsonAsync<AcceptResult>())!);
        }

        Assert.Single(store.Stored);
        Assert.Equal([1, 0, 0], answers.Select(a => a.Accepted));
        Assert.Equal(3, store.Calls);
    }

    [Fact]
    public async Task TriggerAcknowledgeAnnotateAndResolveOfOneIncidentAreFourNotificationsOfOneGroup()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();

        foreach (var fixture in new[] { "triggered", "acknowledged", "annotated", "resolved" })
        {
            var body = SharedFixtures.ReadBytes($"webhooks/pagerduty/v3-zulip-incident.{fixture}.json");
            var response = await client.SendAsync(Request(body, SignPagerDuty(body)));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Equal(
            [(AlertStatus.Firing, NotificationKind.StateChange), (AlertStatus.Acknowledged, NotificationKind.StateChange),
             (AlertStatus.Firing, NotificationKind.Note), (AlertStatus.Resolved, NotificationKind.StateChange)],
            store.Stored.Select(n => (n.Status, n.Kind)));
    }

    [Fact]
    public async Task APingIsAnswered200AndNothingIsStored()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();
        var body = """{"event":{"id":"01PING","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2026-11-23T18:00:00Z","agent":null,"client":null,"data":{"type":"ping"}}}"""u8.ToArray();

        var response = await client.SendAsync(Request(body, SignPagerDuty(body)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("pagey.ping", (await response.Content.ReadFromJsonAsync<WebhookIgnored>())!.Event);
        Assert.Equal(0, store.Calls);
    }

    [Fact]
    public async Task ASignedV2DeliveryIsRefusedWith400SayingV2IsNotSupported()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes("webhooks/pagerduty/v2-docs-incident.trigger.json");

        var response = await client.SendAsync(Request(body, SignPagerDuty(body)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "V2 webhooks are not supported");
        Assert.Empty(store.Stored);
    }

    [Fact]
    public async Task WithNoSigningSecretConfiguredEveryDeliveryIsRefused()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, new Dictionary<string, string?> { ["AlertLinker:Sources:PagerDuty:SigningSecrets:0"] = null });
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        var response = await client.SendAsync(Request(body, SignPagerDuty(body)));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "No signing secret is configured");
        Assert.Contains(app.Logs, l => l.Contains("pagerduty webhook has no credentials configured", StringComparison.Ordinal)
            && l.Contains("SigningSecrets", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AllowAnonymousAcceptsUnsignedDeliveriesAndWarnsAtStartUp()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:PagerDuty:SigningSecrets:0"] = null,
            ["AlertLinker:Sources:PagerDuty:AllowAnonymous"] = "true",
        });
        using var client = app.CreateClient();

        var response = await client.SendAsync(Request(SharedFixtures.ReadBytes(Triggered), signature: null));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains(app.Logs, l => l.Contains("The pagerduty webhook accepts unauthenticated calls", StringComparison.Ordinal));
    }

    private static Dictionary<string, string?> RestApi(string url, params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:PagerDuty:ApiToken"] = "pd-rest-token",
            ["AlertLinker:Sources:PagerDuty:ApiUrl"] = url,
        };
        foreach (var (key, value) in more)
            settings["AlertLinker:Sources:PagerDuty:" + key] = value;
        return settings;
    }

    [Fact]
    public async Task AnAcceptIsAnsweredFromTheStoreWithoutCallingPagerDutysRestApi()
    {
        using var pagerDuty = WireMockServer.Start();
        pagerDuty.Given(WireMock.RequestBuilders.Request.Create().WithPath("/incidents/PFQZPSY/alerts").UsingGet())
            .RespondWith(StandIns.JsonBody("webhooks/pagerduty/rest-api-list-incident-alerts-response-example.json").WithDelay(TimeSpan.FromSeconds(10)));
        // This store never hands work to the delivery worker: whatever calls the REST API here is the accept itself.
        var store = new RecordingAlertStore();
        await using var app = Create(store, RestApi(pagerDuty.Url!));
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        var response = await client.SendAsync(Request(body, SignPagerDuty(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(pagerDuty.LogEntries);
        var stored = Assert.Single(Assert.Single(store.Stored).Alerts);
        Assert.Null(stored.Label("customKey"));
        Assert.Equal("pig208", stored.Label("service"));
    }

    [Fact]
    public async Task WithAnApiTokenTheIncidentsCustomDetailsBecomeLabelsAndTheTokenIsSentAsPagerDutyExpects()
    {
        using var pagerDuty = WireMockServer.Start();
        pagerDuty.Given(WireMock.RequestBuilders.Request.Create().WithPath("/incidents/PFQZPSY/alerts").UsingGet())
            .RespondWith(StandIns.JsonBody("webhooks/pagerduty/rest-api-list-incident-alerts-response-example.json"));
        var sink = new RecordingAlertSink();
        await using var app = CreateDelivering(sink, RestApi(pagerDuty.Url!));
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        var response = await client.SendAsync(Request(body, SignPagerDuty(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        // The delivery worker looks the details up before resolving: the delivered message carries them.
        var alert = Assert.Single((await sink.SingleAsync()).Alerts).Alert;
        Assert.Equal("Server is on fire!", alert.Label("customKey"));
        Assert.Equal("Other stuff!", alert.Label("customKey2"));
        Assert.Equal("pig208", alert.Label("service"));
        var call = Assert.Single(pagerDuty.LogEntries);
        Assert.Equal("Token token=pd-rest-token", call.RequestMessage.Headers!["Authorization"].Single());
        Assert.DoesNotContain(app.Logs, l => l.Contains("pd-rest-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ACustomDetailNamedServiceWinsOverPagerDutysHumanServiceName()
    {
        using var pagerDuty = WireMockServer.Start();
        var fixture = SharedFixtures.Read("webhooks/pagerduty/rest-api-list-incident-alerts-response-example.json")
            .Replace("\"customKey\"", "\"service\"", StringComparison.Ordinal);
        pagerDuty.Given(WireMock.RequestBuilders.Request.Create().WithPath("/incidents/PFQZPSY/alerts").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(fixture));
        var sink = new RecordingAlertSink();
        await using var app = CreateDelivering(sink, RestApi(pagerDuty.Url!));
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        await client.SendAsync(Request(body, SignPagerDuty(body)));

        var delivered = Assert.Single((await sink.SingleAsync()).Alerts);
        Assert.Equal(("Server is on fire!", "pig208"), (delivered.Alert.Label("service"), delivered.Alert.Label("pagerduty_service")));
        // Looked up before resolving, so the backends are searched for the service the detail names.
        Assert.Equal("Server is on fire!", delivered.Resolved.Service);
    }

    [Fact]
    public async Task AFailingRestApiIsRetriedByTheSharedPipelineThenCostsOnlyTheDetails()
    {
        using var pagerDuty = WireMockServer.Start();
        pagerDuty.Given(WireMock.RequestBuilders.Request.Create().WithPath("/incidents/PFQZPSY/alerts").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(503));
        var sink = new RecordingAlertSink();
        // Generous on a busy machine: this test counts attempts, not speed.
        await using var app = CreateDelivering(sink, RestApi(pagerDuty.Url!, ("AttemptTimeout", "00:00:04"), ("DetailsBudget", "00:00:04")));
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        var response = await client.SendAsync(Request(body, SignPagerDuty(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var delivered = await sink.SingleAsync();
        Assert.True(3 == pagerDuty.LogEntries.Count(), string.Join("\n", app.Logs));
        Assert.Null(delivered.Alerts[0].Alert.Label("customKey"));
        Assert.Contains(app.Logs, l => l.Contains("Could not fetch the custom details of PagerDuty incident PFQZPSY (HTTP 503)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASlowRestApiIsCutOffByTheDetailsBudgetSoTheMessageIsNotHeldUp()
    {
        using var pagerDuty = WireMockServer.Start();
        pagerDuty.Given(WireMock.RequestBuilders.Request.Create().WithPath("/incidents/PFQZPSY/alerts").UsingGet())
            .RespondWith(StandIns.JsonBody("webhooks/pagerduty/rest-api-list-incident-alerts-response-example.json").WithDelay(TimeSpan.FromSeconds(10)));
        var sink = new RecordingAlertSink();
        await using var app = CreateDelivering(sink, RestApi(pagerDuty.Url!, ("DetailsBudget", "00:00:00.300")));
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        var response = await client.SendAsync(Request(body, SignPagerDuty(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null((await sink.SingleAsync()).Alerts[0].Alert.Label("customKey"));
        Assert.Contains(app.Logs, l => l.Contains("no answer within 0.3 s", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnreachableRestApiCostsOnlyTheDetails()
    {
        var sink = new RecordingAlertSink();
        // Nothing listens on port 1.
        await using var app = CreateDelivering(sink, RestApi("http://127.0.0.1:1/"));
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        var response = await client.SendAsync(Request(body, SignPagerDuty(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Single((await sink.SingleAsync()).Alerts);
        Assert.Contains(app.Logs, l => l.Contains("Could not fetch the custom details of PagerDuty incident PFQZPSY", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs, l => l.Contains("pd-rest-token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARestAnswerThatIsNotTheDocumentedShapeCostsOnlyTheDetails()
    {
        using var pagerDuty = WireMockServer.Start();
        pagerDuty.Given(WireMock.RequestBuilders.Request.Create().WithPath("/incidents/PFQZPSY/alerts").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"alerts":"nope"}"""));
        var sink = new RecordingAlertSink();
        await using var app = CreateDelivering(sink, RestApi(pagerDuty.Url!));
        using var client = app.CreateClient();
        var body = SharedFixtures.ReadBytes(Triggered);

        var response = await client.SendAsync(Request(body, SignPagerDuty(body)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null((await sink.SingleAsync()).Alerts[0].Alert.Label("customKey"));
    }
}
