using System.Net;
using System.Text;
using AlertLinker.Tests.TestSupport;
using static AlertLinker.Tests.Sources.SourceTestApp;

namespace AlertLinker.Tests.Sources;

/// <summary>Every source answers hostile bodies with a 4xx problem naming what is wrong, and stores nothing.</summary>
public sealed class HostileInputTests
{
    public static TheoryData<string> Sources => ["alertmanager", "grafana", "opsgenie", "pagerduty"];

    /// <summary>A real, valid body per source.</summary>
    private static byte[] Valid(string source) => SharedFixtures.ReadBytes(source switch
    {
        "alertmanager" => "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json",
        "grafana" => "webhooks/grafana/grafana-docs-webhook-firing-2-alerts.json",
        "opsgenie" => "webhooks/opsgenie/docs-sample-create.json",
        _ => "webhooks/pagerduty/v3-zulip-incident.triggered.json",
    });

    private static async Task<(HttpResponseMessage Response, RecordingAlertStore Store)> PostAsync(
        string source, byte[] body, string contentType = "application/json", IDictionary<string, string?>? settings = null)
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, settings);
        using var client = app.CreateClient();
        var response = await client.SendAsync(AuthorizedRequest(source, body, contentType));
        await response.Content.LoadIntoBufferAsync();
        return (response, store);
    }

    private static async Task AssertRefusedAsync(string source, byte[] body, HttpStatusCode status, string detail, string contentType = "application/json",
        IDictionary<string, string?>? settings = null)
    {
        var (response, store) = await PostAsync(source, body, contentType, settings);
        await AssertProblemAsync(response, status, detail);
        Assert.Equal(0, store.Calls);
    }

    private static string SectionOf(string source) => source switch
    {
        "alertmanager" => "Alertmanager",
        "grafana" => "Grafana",
        "opsgenie" => "Opsgenie",
        _ => "PagerDuty",
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task TheRealFixtureIsAccepted(string source)
    {
        var (response, store) = await PostAsync(source, Valid(source));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(source, Assert.Single(store.Stored).Source);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task ABodyOverTheConfiguredLimitIs413(string source) =>
        await AssertRefusedAsync(source, Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 5000) + "\"}"),
            HttpStatusCode.RequestEntityTooLarge, "4096 bytes",
            settings: new Dictionary<string, string?> { [$"AlertLinker:Sources:{SectionOf(source)}:MaxBodyBytes"] = "4096" });

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task AStreamedBodyWithoutContentLengthOverTheLimitIs413(string source)
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, new Dictionary<string, string?> { [$"AlertLinker:Sources:{SectionOf(source)}:MaxBodyBytes"] = "4096" });
        using var client = app.CreateClient();
        var request = AuthorizedRequest(source, Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', 50_000) + "\"}"));
        var streamed = new StreamContent(new MemoryStream(await request.Content!.ReadAsByteArrayAsync()));
        streamed.Headers.ContentType = request.Content.Headers.ContentType;
        request.Content = streamed;
        request.Headers.TransferEncodingChunked = true;

        var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "4096 bytes");
        Assert.Equal(0, store.Calls);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task ANonJsonContentTypeIs415(string source) =>
        await AssertRefusedAsync(source, Valid(source), HttpStatusCode.UnsupportedMediaType, "text/plain", "text/plain");

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task ABodyWithoutContentTypeIsReadAsJson(string source)
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();
        var request = AuthorizedRequest(source, Valid(source));
        request.Content!.Headers.ContentType = null;

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesEveryWebhooksJsonBody()
    {
        await using var app = Create(new RecordingAlertStore());
        using var client = app.CreateClient();

        using var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        foreach (var source in new[] { "alertmanager", "grafana", "opsgenie", "pagerduty" })
        {
            var post = document.RootElement.GetProperty("paths").GetProperty("/webhooks/" + source).GetProperty("post");
            Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _), source);
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task FormEncodingIs415(string source) =>
        await AssertRefusedAsync(source, "a=b"u8.ToArray(), HttpStatusCode.UnsupportedMediaType, "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded");

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task InvalidJsonIs400SayingWhere(string source) =>
        await AssertRefusedAsync(source, "{\"a\": [1, 2,, 3]}"u8.ToArray(), HttpStatusCode.BadRequest, "The body is not valid JSON");

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task AnEmptyBodyIs400(string source) =>
        await AssertRefusedAsync(source, [], HttpStatusCode.BadRequest, "The request body is empty");

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task JsonNullIs400(string source) =>
        await AssertRefusedAsync(source, "null"u8.ToArray(), HttpStatusCode.BadRequest, "JSON null");

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task ATopLevelArrayIs400SayingTheTypeIsWrong(string source) =>
        await AssertRefusedAsync(source, "[1,2,3]"u8.ToArray(), HttpStatusCode.BadRequest, "has the wrong type");

    [Theory]
    [InlineData("alertmanager", """{"version":"4","alerts":"all of them"}""", "$.alerts has the wrong type")]
    [InlineData("grafana", """{"version":"1","alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"2026-11-23T18:00:00Z","values":[1]}]}""", "$.alerts[0].values has the wrong type")]
    [InlineData("opsgenie", """{"action":"Create","alert":{"alertId":"x","createdAt":"yesterday"}}""", "$.alert.createdAt has the wrong type")]
    [InlineData("pagerduty", """{"event":{"id":"e1","event_type":"incident.triggered","resource_type":"incident","data":{"type":"incident","id":"P1","title":["a"]}}}""", "$.event.data.title has the wrong type")]
    public async Task AValueOfTheWrongTypeIs400NamingItsPath(string source, string body, string detail) =>
        await AssertRefusedAsync(source, Encoding.UTF8.GetBytes(body), HttpStatusCode.BadRequest, detail);

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task DeepNestingIs400(string source) =>
        await AssertRefusedAsync(source, Encoding.UTF8.GetBytes("{\"x\":" + new string('[', 500) + new string(']', 500) + "}"),
            HttpStatusCode.BadRequest, "nested deeper than 32 levels");

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task InvalidUtf8Is400(string source)
    {
        var body = Valid(source);
        var quote = Array.IndexOf(body, (byte)'"', Array.IndexOf(body, (byte)':') + 1);
        var broken = body[..(quote + 1)].Concat(new byte[] { 0xC3, 0x28, 0xFF }).Concat(body[(quote + 1)..]).ToArray();

        await AssertRefusedAsync(source, broken, HttpStatusCode.BadRequest, "not valid UTF-8");
    }

    [Theory]
    [InlineData("alertmanager")]
    [InlineData("grafana")]
    public async Task AHugeLabelMapIs400(string source)
    {
        var labels = string.Join(",", Enumerable.Range(0, 2500).Select(i => $"\"l{i}\":\"v\""));
        var version = source == "grafana" ? "1" : "4";
        var body = $$"""{"version":"{{version}}","alerts":[{"status":"firing","labels":{{{labels}}},"startsAt":"2026-11-23T18:00:00Z"}]}""";

        await AssertRefusedAsync(source, Encoding.UTF8.GetBytes(body), HttpStatusCode.BadRequest, "at most 2000 are accepted");
    }

    [Fact]
    public async Task AHugeOpsgenieDetailsMapIs400()
    {
        var details = string.Join(",", Enumerable.Range(0, 2500).Select(i => $"\"d{i}\":\"v\""));
        var body = "{\"action\":\"Create\",\"alert\":{\"alertId\":\"a1\",\"message\":\"m\",\"createdAt\":1420452191104,\"details\":{" + details + "}}}";

        await AssertRefusedAsync("opsgenie", Encoding.UTF8.GetBytes(body), HttpStatusCode.BadRequest, "more than 2000 tags, teams or details");
    }

    [Fact]
    public async Task AHugePagerDutyTeamListIsAcceptedWithABoundedLabel()
    {
        var teams = string.Join(",", Enumerable.Range(0, 5000).Select(i => $$"""{"summary":"team-{{i}}"}"""));
        var body = """{"event":{"id":"e1","event_type":"incident.triggered","resource_type":"incident","occurred_at":"2026-11-23T18:00:00Z","data":{"type":"incident","id":"P1","title":"t","teams":[""" + teams + "]}}}";

        var (response, store) = await PostAsync("pagerduty", Encoding.UTF8.GetBytes(body));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(20, Assert.Single(store.Stored).Alerts[0].Label("teams")!.Split(", ").Length);
    }

    [Theory]
    [InlineData("alertmanager", """{"version":"4","alerts":[{"status":"firing","labels":{"alertname":null},"startsAt":"2026-11-23T18:00:00Z"}]}""", "$.alerts[0].labels.alertname")]
    [InlineData("grafana", """{"version":"1","alerts":[{"status":"firing","labels":{"a":"b"},"annotations":{"summary":null},"startsAt":"2026-11-23T18:00:00Z"}]}""", "$.alerts[0].annotations.summary")]
    public async Task ANullLabelOrAnnotationValueIs400(string source, string body, string detail) =>
        await AssertRefusedAsync(source, Encoding.UTF8.GetBytes(body), HttpStatusCode.BadRequest, detail);

    [Theory]
    [InlineData("alertmanager", """{"version":"4","alerts":[{"status":"firing","labels":{"a":"b"},"startsAt":"0001-01-01T00:00:01Z"}]}""", "$.alerts[0].startsAt is 0001-01-01")]
    [InlineData("grafana", """{"version":"1","alerts":[{"status":"resolved","labels":{"a":"b"},"startsAt":"2026-11-23T18:00:00Z","endsAt":"9999-12-31T23:59:59Z"}]}""", "$.alerts[0].endsAt is 9999-12-31")]
    [InlineData("opsgenie", """{"action":"Create","alert":{"alertId":"a1","createdAt":9223372036854775807}}""", "$.alert.createdAt is 2262-")]
    [InlineData("pagerduty", """{"event":{"id":"e1","event_type":"incident.triggered","resource_type":"incident","occurred_at":"0001-01-01T00:00:00+14:00","data":{"type":"incident","id":"P1"}}}""", "$.event.occurred_at")]
    public async Task ATimestampOutsideAnyPlausibleAlertIs400(string source, string body, string detail) =>
        await AssertRefusedAsync(source, System.Text.Encoding.UTF8.GetBytes(body), HttpStatusCode.BadRequest, detail);
}
