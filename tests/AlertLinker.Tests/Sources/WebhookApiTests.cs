using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AlertLinker.Tests.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static AlertLinker.Tests.Sources.SourceTestApp;

namespace AlertLinker.Tests.Sources;

/// <summary>A source is one registration: the fake below is mapped, documented, previewed and completed by that line alone.</summary>
public sealed class WebhookApiTests
{
    /// <summary>
    /// The smallest source there is: <c>{"fake": "name"}</c> is one firing alert, a key <c>X-Fake-Key: open-sesame</c>
    /// authenticates, and the delivery side adds a label (as PagerDuty's look-up does).
    /// </summary>
    private sealed class FakeSource : IAlertSource
    {
        public string Name => "fake";

        public WebhookDocs Docs { get; } = new()
        {
            OperationId = "FakeWebhook",
            Title = "Fake",
            Summary = "Receives a fake webhook.",
            Description = "For the tests.",
            Payload = typeof(FakePayload),
            ShapeProperty = "fake",
            Shape = "`fake`",
        };

        public int MaxBodyBytes => 4096;

        public int Completed;

        public WebhookRejection? Authorize(HttpRequest request) =>
            request.Headers["X-Fake-Key"] == "open-sesame" ? null : new(StatusCodes.Status401Unauthorized, "unauthorized", "Unauthorized", "No fake key.");

        public WebhookParse Parse(byte[] body, IHeaderDictionary headers, DateTimeOffset receivedAt)
        {
            var payload = JsonSerializer.Deserialize<FakePayload>(body, JsonSerializerOptions.Web);
            if (payload?.Fake is not { Length: > 0 } name)
                return WebhookParse.Invalid("$.fake is missing.");
            var alert = new Alert
            {
                Fingerprint = name,
                Status = AlertStatus.Firing,
                Name = name,
                Labels = new Dictionary<string, string> { ["alertname"] = name },
                StartsAt = receivedAt,
            };
            return WebhookParse.Accepted(new AlertNotification
            {
                Source = Name,
                GroupKey = name,
                Status = AlertStatus.Firing,
                Alerts = [alert],
                CommonLabels = alert.Labels,
                ReceivedAt = receivedAt,
            });
        }

        public ShapeMatch MatchShape(JsonElement root) =>
            root.ValueKind == JsonValueKind.Object && root.TryGetProperty("fake", out _) ? ShapeMatch.Distinct : ShapeMatch.None;

        public Task<AlertNotification> CompleteAsync(AlertNotification notification, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Completed);
            var alerts = notification.Alerts
                .Select(a => a with { Labels = new Dictionary<string, string>(a.Labels) { ["completed_by"] = "fake" } })
                .ToList();
            return Task.FromResult(notification with { Alerts = alerts });
        }
    }

    public sealed record FakePayload(string? Fake);

    private static readonly byte[] Body = """{"fake": "the-fake-alert"}"""u8.ToArray();

    private static AlertLinkerApp App(FakeSource fake, RecordingAlertSink sink) =>
        new(new Dictionary<string, string?> { ["AlertLinker:Preview:BearerToken"] = "preview-token" }, services =>
        {
            services.RemoveAll<IAlertSink>();
            services.AddSingleton<IAlertSink>(sink);
            // The one line a new source needs.
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertSource>(fake));
        });

    private static HttpRequestMessage Post(string path, byte[] body, Action<HttpRequestHeaders> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        headers(request.Headers);
        return request;
    }

    [Fact]
    public async Task ARegisteredSourceIsMappedAtWebhooksItsNameAndItsAlertsAreCompletedAndDelivered()
    {
        var fake = new FakeSource();
        var sink = new RecordingAlertSink();
        await using var app = App(fake, sink);
        using var client = app.CreateClient();

        var response = await client.SendAsync(Post("/webhooks/fake", Body, h => h.Add("X-Fake-Key", "open-sesame")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<AcceptResult>())!.Accepted);
        var delivered = Assert.Single((await sink.SingleAsync()).Alerts);
        Assert.Equal(("the-fake-alert", "fake"), (delivered.Alert.Name, delivered.Alert.Label("completed_by")));
        Assert.Equal(1, fake.Completed);
    }

    [Fact]
    public async Task ARegisteredSourcesOwnChecksRefuseWhatTheyRefuse()
    {
        await using var app = App(new FakeSource(), new RecordingAlertSink());
        using var client = app.CreateClient();

        var unauthorized = await client.SendAsync(Post("/webhooks/fake", Body, _ => { }));
        var tooLarge = await client.SendAsync(Post("/webhooks/fake", new byte[5000], h => h.Add("X-Fake-Key", "open-sesame")));
        var invalid = await client.SendAsync(Post("/webhooks/fake", "{}"u8.ToArray(), h => h.Add("X-Fake-Key", "open-sesame")));

        await AssertProblemAsync(unauthorized, HttpStatusCode.Unauthorized, "No fake key.");
        await AssertProblemAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, "4096 bytes");
        await AssertProblemAsync(invalid, HttpStatusCode.BadRequest, "$.fake is missing.");
    }

    [Fact]
    public async Task ARegisteredSourceIsInTheOpenApiDocumentWithItsBody()
    {
        await using var app = App(new FakeSource(), new RecordingAlertSink());
        using var client = app.CreateClient();

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));

        var post = document.RootElement.GetProperty("paths").GetProperty("/webhooks/fake").GetProperty("post");
        Assert.Equal("FakeWebhook", post.GetProperty("operationId").GetString());
        Assert.Equal("Webhooks", post.GetProperty("tags")[0].GetString());
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("202", out _));
        var preview = document.RootElement.GetProperty("paths").GetProperty("/api/preview").GetProperty("post");
        Assert.Equal(5, preview.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("oneOf").GetArrayLength());
        Assert.Contains("Fake: `fake`", preview.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARegisteredSourceIsPreviewedByNameAndByShapeAndListedWhenTheNameIsWrong()
    {
        var fake = new FakeSource();
        await using var app = App(fake, new RecordingAlertSink());
        using var client = app.CreateClient();
        async Task<HttpResponseMessage> PreviewAsync(string query, byte[] body) =>
            await client.SendAsync(Post("/api/preview" + query, body, h => h.Authorization = new("Bearer", "preview-token")));

        foreach (var query in new[] { "", "?source=fake" })
        {
            var response = await PreviewAsync(query, Body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, text);
            var preview = JsonDocument.Parse(text).RootElement;
            Assert.Equal("fake", preview.GetProperty("source").GetString());
            Assert.Equal(query.Length == 0, preview.GetProperty("detected").GetBoolean());
            Assert.Equal("fake", preview.GetProperty("alerts")[0].GetProperty("model").GetProperty("labels").GetProperty("completed_by").GetString());
        }
        await AssertProblemAsync(await PreviewAsync("?source=nagios", Body), HttpStatusCode.BadRequest,
            "use one of alertmanager, grafana, pagerduty, opsgenie, fake");
        await AssertProblemAsync(await PreviewAsync("", """{"hello": 1}"""u8.ToArray()), HttpStatusCode.BadRequest,
            "(no alerts, event, action or fake); add ?source=<alertmanager|grafana|pagerduty|opsgenie|fake>");
    }
}
