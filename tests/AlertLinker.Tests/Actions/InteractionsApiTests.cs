using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AlertLinker.Actions;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Actions;

/// <summary>
/// POST /slack/interactions in-process, with WireMock standing in for Alertmanager, PagerDuty, Opsgenie and Slack's
/// response_url (no bot token: replies go through the response_url). Groups are stored as the sink stores them.
/// </summary>
public sealed class InteractionsApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private const string PagerDutyToken = "pd-rest-token-test";
    private const string OpsgenieKey = "genie-key-test";

    private readonly WireMockServer alertmanager = StandIns.StartLoopback();
    private readonly WireMockServer slack = StandIns.StartLoopback();
    private readonly WireMockServer pagerDuty = StandIns.StartLoopback();
    private readonly WireMockServer opsgenie = StandIns.StartLoopback();
    private AlertLinkerApp app = null!;
    private HttpClient client = null!;

    private Uri ResponseUrl => new(StandIns.BaseUrl(slack), "actions/T1DC2JH3J/1234567890/response-token");

    public Task InitializeAsync()
    {
        alertmanager.Given(Request.Create().WithPath("/api/v2/silences").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"silenceID":"1a2b3c4d-5e6f-4a1b-9c8d-0123456789ab"}"""));
        alertmanager.Given(Request.Create().WithPath("/api/v2/silence/*").UsingDelete()).RespondWith(Response.Create().WithStatusCode(200));
        slack.Given(Request.Create().UsingPost()).RespondWith(Response.Create().WithStatusCode(200).WithBody("ok"));
        Start();
        return Task.CompletedTask;
    }

    private void Start(IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["AlertLinker:Slack:SigningSecret"] = SlackClicks.Secret,
            ["AlertLinker:Sources:Alertmanager:ApiUrl"] = StandIns.BaseUrl(alertmanager).AbsoluteUri,
            ["AlertLinker:Sources:PagerDuty:ApiToken"] = PagerDutyToken,
            ["AlertLinker:Sources:PagerDuty:FromEmail"] = "oncall@example.com",
            ["AlertLinker:Sources:PagerDuty:ApiUrl"] = StandIns.BaseUrl(pagerDuty).AbsoluteUri,
            ["AlertLinker:Sources:PagerDuty:SigningSecrets:0"] = "pd-webhook-secret",
            ["AlertLinker:Sources:Opsgenie:ApiKey"] = OpsgenieKey,
            ["AlertLinker:Sources:Opsgenie:ApiUrl"] = StandIns.BaseUrl(opsgenie).AbsoluteUri,
            ["AlertLinker:Sources:Opsgenie:BearerToken"] = "og-webhook-token",
            ["AlertLinker:Actions:ResponseUrlPrefix"] = StandIns.BaseUrl(slack).AbsoluteUri,
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        app = new AlertLinkerApp(settings);
        client = app.CreateClient();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
        foreach (var server in new[] { alertmanager, slack, pagerDuty, opsgenie })
            server.Stop();
    }

    private Uri Endpoint => new(client.BaseAddress!, "slack/interactions");

    private async Task<ActionGroup> StoreGroupAsync(AlertNotification notification) =>
        await app.Services.GetRequiredService<IActionGroupStore>()
            .RegisterAsync(notification, ActionRegisteringSink.Matchers(notification), CancellationToken.None);

    private static AlertNotification AlertmanagerGroup() => new()
    {
        Source = "alertmanager",
        GroupKey = "{}:{alertname=\"HighLatency\", service=\"checkout\"}",
        Status = AlertStatus.Firing,
        ReceivedAt = DateTimeOffset.UtcNow,
        CommonLabels = new Dictionary<string, string> { ["alertname"] = "HighLatency", ["service"] = "checkout" },
        Alerts =
        [
            new Alert
            {
                Fingerprint = "fp-1",
                Status = AlertStatus.Firing,
                Name = "HighLatency",
                StartsAt = DateTimeOffset.UtcNow.AddMinutes(-3),
                Labels = new Dictionary<string, string> { ["alertname"] = "HighLatency", ["service"] = "checkout", ["instance"] = "web-1" },
            },
            new Alert
            {
                Fingerprint = "fp-2",
                Status = AlertStatus.Firing,
                Name = "HighLatency",
                StartsAt = DateTimeOffset.UtcNow.AddMinutes(-2),
                Labels = new Dictionary<string, string> { ["alertname"] = "HighLatency", ["service"] = "checkout", ["instance"] = "web-2" },
            },
        ],
    };

    private static AlertNotification Incident(string source, string id) => new()
    {
        Source = source,
        GroupKey = id,
        Status = AlertStatus.Firing,
        ReceivedAt = DateTimeOffset.UtcNow,
        Alerts = [new Alert { Fingerprint = id, Status = AlertStatus.Firing, Name = "Checkout is down", StartsAt = DateTimeOffset.UtcNow.AddMinutes(-1) }],
    };

    private async Task<HttpResponseMessage> ClickAsync(JsonObject payload, DateTimeOffset? at = null, int? retryNum = null)
    {
        using var request = SlackClicks.Signed(Endpoint, SlackClicks.Body(payload), at ?? DateTimeOffset.UtcNow, retryNum: retryNum);
        return await client.SendAsync(request);
    }

    private IReadOnlyList<JsonObject> ResponseUrlPosts() =>
        slack.LogEntries.Where(e => e.RequestMessage.Path == ResponseUrl.AbsolutePath)
            .Select(e => JsonNode.Parse(e.RequestMessage.Body!)!.AsObject()).ToList();

    private async Task<JsonObject> ResponseAsync(Func<JsonObject, bool> match, string what) =>
        await Eventually.UntilAsync(() => ResponseUrlPosts().FirstOrDefault(match), Wait, what);

    private static bool Ephemeral(JsonObject post) => post["response_type"]?.GetValue<string>() == "ephemeral";

    [Fact]
    public async Task AnUnsignedRequestIsRefusedWith401ProblemJson()
    {
        using var request = SlackClicks.Unsigned(Endpoint, SlackClicks.Body(SlackClicks.Payload("alertlinker.silence.240", "x", ResponseUrl)));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-Slack-Signature", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ARequestSignedWithAnotherSecretIsRefusedWith401AndSilencesNothing()
    {
        var group = await StoreGroupAsync(AlertmanagerGroup());
        var body = SlackClicks.Body(SlackClicks.Payload("alertlinker.silence.240", group.Id, ResponseUrl));
        using var request = SlackClicks.Signed(Endpoint, body, DateTimeOffset.UtcNow, secret: "not-the-signing-secret");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await Task.Delay(300);
        Assert.Empty(alertmanager.LogEntries);
    }

    [Fact]
    public async Task AStaleTimestampIsRefusedWith401EvenWhenCorrectlySigned()
    {
        var group = await StoreGroupAsync(AlertmanagerGroup());
        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.silence.240", group.Id, ResponseUrl), DateTimeOffset.UtcNow.AddMinutes(-6));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("replay", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ASignedBodyThatIsNotAPayloadIs400ProblemJson()
    {
        using var request = SlackClicks.Signed(Endpoint, "payload=%7Bnot-json"u8.ToArray(), DateTimeOffset.UtcNow);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ASignedClickSilencesTheGroupsCommonLabelsOnceEvenWhenSlackRetriesIt()
    {
        var group = await StoreGroupAsync(AlertmanagerGroup());
        var payload = SlackClicks.Payload("alertlinker.silence.240", group.Id, ResponseUrl);

        using var first = await ClickAsync(payload);
        using var retried = await ClickAsync(payload, retryNum: 1);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);

        var reply = await ResponseAsync(p => p["response_type"]?.GetValue<string>() == "in_channel", "the thread reply");
        Assert.Matches(@"^🔕 Silenced for 4 h by <@U2CERLKJA> — silence 1a2b3c4d… until ([A-Z][a-z]{2} \d{1,2} )?\d\d:\d\d UTC$", reply["text"]!.GetValue<string>());
        await Task.Delay(500); // room for a second silence, were the retry acted on
        var posts = alertmanager.LogEntries.Where(e => e.RequestMessage.Path == "/api/v2/silences").ToList();
        var silence = JsonDocument.Parse(Assert.Single(posts).RequestMessage.Body!).RootElement;
        var matchers = silence.GetProperty("matchers").EnumerateArray()
            .Select(m => (m.GetProperty("name").GetString(), m.GetProperty("value").GetString(), m.GetProperty("isRegex").GetBoolean(), m.GetProperty("isEqual").GetBoolean()))
            .ToList();
        Assert.Equal([("alertname", "HighLatency", false, true), ("service", "checkout", false, true)], matchers);
        Assert.Equal("roadrunner (slack:U2CERLKJA)", silence.GetProperty("createdBy").GetString());
        Assert.Contains("https://testteamnow.slack.com/archives/C0E2ETEST/p1503435956000247", silence.GetProperty("comment").GetString());
        var length = silence.GetProperty("endsAt").GetDateTimeOffset() - silence.GetProperty("startsAt").GetDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(4), length);
        var stored = await app.Services.GetRequiredService<IActionGroupStore>().FindAsync(group.Id, CancellationToken.None);
        Assert.Equal("1a2b3c4d-5e6f-4a1b-9c8d-0123456789ab", stored?.Silence?.SilenceId);
    }

    [Fact]
    public async Task APayloadFormEncodedWithPlusForSpacesIsReadAsSlackMeantIt()
    {
        var group = await StoreGroupAsync(AlertmanagerGroup());
        var payload = SlackClicks.Payload("alertlinker.silence.60", group.Id, ResponseUrl);
        payload["user"]!["username"] = "road runner";
        // Slack form-encodes the payload with '+' for spaces (WebUtility.UrlEncode does the same).
        var body = System.Text.Encoding.UTF8.GetBytes("payload=" + WebUtility.UrlEncode(payload.ToJsonString()));
        Assert.Contains((byte)'+', body);

        using var request = SlackClicks.Signed(Endpoint, body, DateTimeOffset.UtcNow);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var post = await Eventually.UntilAsync(() => alertmanager.LogEntries.FirstOrDefault(), Wait, "the silence");
        Assert.Equal("road runner (slack:U2CERLKJA)", JsonDocument.Parse(post.RequestMessage.Body!).RootElement.GetProperty("createdBy").GetString());
    }

    [Fact]
    public async Task ASecondSilenceClickWhileSilencedUpdatesTheSameSilence()
    {
        var group = await StoreGroupAsync(AlertmanagerGroup());

        using var first = await ClickAsync(SlackClicks.Payload("alertlinker.silence.60", group.Id, ResponseUrl, actionTs: "1548426417.000010"));
        await ResponseAsync(p => p["text"]?.GetValue<string>().StartsWith("🔕 Silenced for 1 h", StringComparison.Ordinal) == true, "the first reply");
        using var second = await ClickAsync(SlackClicks.Payload("alertlinker.silence.1440", group.Id, ResponseUrl, actionTs: "1548426417.000011"));
        await ResponseAsync(p => p["text"]?.GetValue<string>().StartsWith("🔕 Silenced for 24 h", StringComparison.Ordinal) == true, "the second reply");

        var bodies = alertmanager.LogEntries.Where(e => e.RequestMessage.Path == "/api/v2/silences")
            .Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.False(bodies[0].TryGetProperty("id", out _));
        Assert.Equal("1a2b3c4d-5e6f-4a1b-9c8d-0123456789ab", bodies[1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task AfterSilencingTheMessagesRowBecomesUnsilenceAndUnsilenceExpiresTheSilence()
    {
        var group = await StoreGroupAsync(AlertmanagerGroup());
        var message = new JsonObject
        {
            ["type"] = "message",
            ["ts"] = SlackClicks.MessageTs,
            ["text"] = "🔥 FIRING: HighLatency",
            ["blocks"] = new JsonArray(new JsonObject { ["type"] = "header", ["block_id"] = "h1", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "🔥 FIRING" } }),
            ["attachments"] = new JsonArray(new JsonObject
            {
                ["id"] = 1,
                ["color"] = "E01E5A",
                ["blocks"] = new JsonArray(
                    new JsonObject { ["type"] = "section", ["block_id"] = "s1", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = "*HighLatency*" } },
                    new JsonObject { ["type"] = "actions", ["block_id"] = ActionButtons.RowId, ["elements"] = new JsonArray() }),
            }),
        };

        using var silenced = await ClickAsync(SlackClicks.Payload("alertlinker.silence.60", group.Id, ResponseUrl, (JsonObject)message.DeepClone(), actionTs: "1548426417.000001"));
        var replaced = await ResponseAsync(p => p["replace_original"]?.GetValue<bool>() == true, "the message with its new row");
        var attachment = replaced["attachments"]![0]!;
        Assert.Equal("#E01E5A", attachment["color"]!.GetValue<string>());
        var row = attachment["blocks"]!.AsArray().Single(b => b!["block_id"]!.GetValue<string>() == ActionButtons.RowId)!;
        var button = Assert.Single(row["elements"]!.AsArray())!;
        Assert.Equal(ActionButtons.Unsilence, button["action_id"]!.GetValue<string>());
        Assert.Equal(group.Id, button["value"]!.GetValue<string>());
        Assert.StartsWith("🔔 Unsilence (silenced until ", button["text"]!["text"]!.GetValue<string>());
        Assert.Equal("s1", attachment["blocks"]![0]!["block_id"]!.GetValue<string>());

        using var unsilenced = await ClickAsync(SlackClicks.Payload(ActionButtons.Unsilence, group.Id, ResponseUrl, (JsonObject)message.DeepClone(), actionTs: "1548426417.000002"));
        await ResponseAsync(p => p["text"]?.GetValue<string>().StartsWith("🔔 Unsilenced by <@U2CERLKJA>", StringComparison.Ordinal) == true, "the unsilence reply");
        Assert.Single(alertmanager.LogEntries, e => e.RequestMessage.Method == "DELETE" && e.RequestMessage.Path == "/api/v2/silence/1a2b3c4d-5e6f-4a1b-9c8d-0123456789ab");
        var stored = await app.Services.GetRequiredService<IActionGroupStore>().FindAsync(group.Id, CancellationToken.None);
        Assert.Null(stored!.Silence);
    }

    [Fact]
    public async Task AClickFromSomeoneTheChannelRestrictsGetsNotAllowedAndChangesNothing()
    {
        await RestartAppAsync(new Dictionary<string, string?>
        {
            ["AlertLinker:Actions:Restrictions:0:Channel"] = SlackClicks.Channel,
            ["AlertLinker:Actions:Restrictions:0:Users:0"] = "U0ONCALL1",
        });
        var group = await StoreGroupAsync(AlertmanagerGroup());

        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.silence.240", group.Id, ResponseUrl));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refusal = await ResponseAsync(Ephemeral, "the ephemeral refusal");
        Assert.Contains("not allowed", refusal["text"]!.GetValue<string>());
        Assert.False(refusal["replace_original"]!.GetValue<bool>());
        Assert.Empty(alertmanager.LogEntries);
    }

    /// <summary>The app again with more settings; the stand-ins keep running.</summary>
    private async Task RestartAppAsync(IDictionary<string, string?> extra)
    {
        client.Dispose();
        await app.DisposeAsync();
        Start(extra);
    }

    [Fact]
    public async Task ADurationEditedIntoTheActionIdIsRefusedAndSilencesNothing()
    {
        var group = await StoreGroupAsync(AlertmanagerGroup());

        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.silence.525600", group.Id, ResponseUrl));

        var refusal = await ResponseAsync(Ephemeral, "the ephemeral refusal");
        Assert.Contains("not offered", refusal["text"]!.GetValue<string>());
        Assert.Empty(alertmanager.LogEntries);
    }

    [Fact]
    public async Task AnUnknownGroupIdIsSaidEphemerallyAndSilencesNothing()
    {
        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.silence.240", "nosuchgroup1", ResponseUrl));

        var answer = await ResponseAsync(Ephemeral, "the ephemeral answer");
        Assert.Contains("not known", answer["text"]!.GetValue<string>());
        Assert.Empty(alertmanager.LogEntries);
    }

    [Fact]
    public async Task AnAlertmanagerThatRefusesTheSilenceIsSaidEphemerallyWithItsReason()
    {
        alertmanager.ResetMappings();
        alertmanager.Given(Request.Create().WithPath("/api/v2/silences").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("\"silence invalid: invalid label matcher 0: invalid label name \\\"\\\"\""));
        var group = await StoreGroupAsync(AlertmanagerGroup());

        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.silence.240", group.Id, ResponseUrl));

        var answer = await ResponseAsync(Ephemeral, "the ephemeral failure");
        var text = answer["text"]!.GetValue<string>();
        Assert.Contains("Could not silence: Alertmanager answered 400", text);
        Assert.Contains("invalid label matcher", text);
        Assert.DoesNotContain(ResponseUrlPosts(), p => p["response_type"]?.GetValue<string>() == "in_channel");
    }

    [Fact]
    public async Task AnUnreachableAlertmanagerIsSaidEphemerallyAndNotSilentlyLost()
    {
        await RestartAppAsync(new Dictionary<string, string?>
        {
            // A bound port nobody listens on: the connection is refused at once.
            ["AlertLinker:Sources:Alertmanager:ApiUrl"] = "http://127.0.0.1:9/",
        });
        var group = await StoreGroupAsync(AlertmanagerGroup());

        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.silence.240", group.Id, ResponseUrl));

        var answer = await ResponseAsync(Ephemeral, "the ephemeral failure");
        Assert.Contains("Alertmanager at http://127.0.0.1:9 is unreachable", answer["text"]!.GetValue<string>());
    }

    [Fact]
    public async Task AGrafanaManagedAlertIsSilencedInGrafanasAlertmanagerWithItsToken()
    {
        await RestartAppAsync(new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:Grafana:ApiUrl"] = StandIns.BaseUrl(alertmanager).AbsoluteUri + "grafana",
            ["AlertLinker:Sources:Grafana:ApiToken"] = "glsa_test_token",
            ["AlertLinker:Sources:Grafana:BearerToken"] = "grafana-webhook-token",
        });
        alertmanager.Given(Request.Create().WithPath("/grafana/api/alertmanager/grafana/api/v2/silences").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Content-Type", "application/json").WithBody("""{"id":"9f8e7d6c-grafana"}"""));
        var group = await StoreGroupAsync(AlertmanagerGroup() with { Source = "grafana" });

        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.silence.60", group.Id, ResponseUrl));

        var reply = await ResponseAsync(p => p["response_type"]?.GetValue<string>() == "in_channel", "the thread reply");
        Assert.Contains("silence 9f8e7d6c…", reply["text"]!.GetValue<string>());
        var post = Assert.Single(alertmanager.LogEntries);
        Assert.Equal("/grafana/api/alertmanager/grafana/api/v2/silences", post.RequestMessage.Path);
        Assert.Equal("Bearer glsa_test_token", post.RequestMessage.Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task PagerDutyAcknowledgeIsAPutWithTheFromHeaderAndTurnsTheGroupAcknowledged()
    {
        pagerDuty.Given(Request.Create().WithPath("/incidents/PT4KHLK").UsingPut())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"incident":{"id":"PT4KHLK","type":"incident","summary":"[#1234] Checkout is down","status":"acknowledged"}}"""));
        var group = await StoreGroupAsync(Incident("pagerduty", "PT4KHLK"));

        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.acknowledge", group.Id, ResponseUrl));

        var put = await Eventually.UntilAsync(() => pagerDuty.LogEntries.FirstOrDefault(), Wait, "PagerDuty's PUT");
        var headers = put.RequestMessage.Headers!;
        Assert.Equal("Token token=" + PagerDutyToken, headers["Authorization"].Single());
        Assert.Equal("oncall@example.com", headers["From"].Single());
        Assert.Equal("application/vnd.pagerduty+json; version=2", headers["Accept"].Single());
        using var body = JsonDocument.Parse(put.RequestMessage.Body!);
        Assert.Equal("incident_reference", body.RootElement.GetProperty("incident").GetProperty("type").GetString());
        Assert.Equal("acknowledged", body.RootElement.GetProperty("incident").GetProperty("status").GetString());
        var queued = await Eventually.UntilAsync(() => QueuedNotifications().FirstOrDefault(n => n.Contains("\"slack.acknowledge\"", StringComparison.Ordinal)), Wait,
            "the acknowledged state queued for the message");
        using var notification = JsonDocument.Parse(queued);
        Assert.Equal("Acknowledged", notification.RootElement.GetProperty("status").GetString());
        Assert.Equal("roadrunner (from Slack)", notification.RootElement.GetProperty("alerts")[0].GetProperty("annotations").GetProperty("pagerduty_agent").GetString());
    }

    [Fact]
    public async Task APagerDutyRefusalIsSaidEphemerallyWithPagerDutysReason()
    {
        pagerDuty.Given(Request.Create().WithPath("/incidents/PT4KHLK").UsingPut())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"error":{"message":"Invalid Input Provided","code":2001,"errors":["Incident Already Resolved"]}}"""));
        var group = await StoreGroupAsync(Incident("pagerduty", "PT4KHLK"));

        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.resolve", group.Id, ResponseUrl));

        var answer = await ResponseAsync(Ephemeral, "the ephemeral failure");
        var text = answer["text"]!.GetValue<string>();
        Assert.Contains("Could not resolve PT4KHLK: PagerDuty answered 400", text);
        Assert.Contains("Incident Already Resolved", text);
        Assert.DoesNotContain(QueuedNotifications(), n => n.Contains("slack.resolve", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OpsgenieCloseIsAPostWithTheGenieKeyAndTurnsTheGroupResolved()
    {
        opsgenie.Given(Request.Create().WithPath("/v2/alerts/70413a06-38d6-4c85-92b8-5ebc900d42e2/close").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(202).WithHeader("Content-Type", "application/json")
                .WithBody("""{"result":"Request will be processed","took":0.01,"requestId":"43a29c5c-3dbf-4fa4-9c26-f4f71023e120"}"""));
        var group = await StoreGroupAsync(Incident("opsgenie", "70413a06-38d6-4c85-92b8-5ebc900d42e2"));

        using var response = await ClickAsync(SlackClicks.Payload("alertlinker.close", group.Id, ResponseUrl));

        var post = await Eventually.UntilAsync(() => opsgenie.LogEntries.FirstOrDefault(), Wait, "Opsgenie's POST");
        Assert.Equal("GenieKey " + OpsgenieKey, post.RequestMessage.Headers!["Authorization"].Single());
        Assert.Equal("id", post.RequestMessage.Query!["identifierType"].Single());
        using var body = JsonDocument.Parse(post.RequestMessage.Body!);
        Assert.Equal("roadrunner", body.RootElement.GetProperty("user").GetString());
        Assert.Equal("AlertLinker", body.RootElement.GetProperty("source").GetString());
        var queued = await Eventually.UntilAsync(() => QueuedNotifications().FirstOrDefault(n => n.Contains("\"slack.close\"", StringComparison.Ordinal)), Wait,
            "the closed state queued for the message");
        Assert.Equal("Resolved", JsonDocument.Parse(queued).RootElement.GetProperty("status").GetString());
    }

    /// <summary>The notifications the app's store holds (payload JSON), read from its SQLite file.</summary>
    private List<string> QueuedNotifications()
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(
            $"Data Source={Path.Combine(app.DataDirectory, "alertlinker.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT payload FROM notifications";
        using var reader = command.ExecuteReader();
        var payloads = new List<string>();
        while (reader.Read())
            payloads.Add(reader.GetString(0));
        return payloads;
    }
}
