using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AlertLinker.Backends;
using AlertLinker.Storage;
using AlertLinker.Tests.Runbooks;
using AlertLinker.Tests.Sources;
using AlertLinker.Slack;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using WireMock.Server;

namespace AlertLinker.Tests.Preview;

/// <summary>POST /api/preview in-process: real source bodies in, the enriched and rendered message out, nothing stored or sent.</summary>
public sealed class PreviewApiTests : IAsyncLifetime
{
    private const string Token = "test-token-preview";
    private const string AlertmanagerCapture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    private readonly WireMockServer slack = StandIns.Slack();
    private readonly WireMockServer jaeger = StandIns.Jaeger();
    private readonly RecordingAlertStore store = new();
    private readonly RunbookFolder runbooks = new(
        ("every-alert.sbn", RunbookFolder.Runbook(
            "Service {{ service }} from {{ window.start }}.\n{{ for s in trace_search({\"http.route\": \"/checkout\"}, min_duration: \"1s\") }}• {{ s.link }}\n{{ end }}" +
                "{{ for l in log_links }}logs of {{ l.trace_id }}: {{ l.url }}\n{{ end }}",
            title: "Every alert")),
        ("broken-at-render.sbn", RunbookFolder.Runbook("{{ duration \"soon\" }}", title: "Broken", order: 200)));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        slack.Stop();
        jaeger.Stop();
        runbooks.Dispose();
        return Task.CompletedTask;
    }

    private AlertLinkerApp App(IDictionary<string, string?>? preview = null)
    {
        var settings = TestSettings.Of(TestSettings.SlackBot(slack), TestSettings.Jaeger(jaeger.Url), new Dictionary<string, string?>
        {
            ["AlertLinker:Runbooks:Directory"] = runbooks.Path,
        });
        foreach (var (key, value) in preview ?? new Dictionary<string, string?> { ["AlertLinker:Preview:BearerToken"] = Token })
            settings[key] = value;
        return SourceTestApp.Create(store, settings);
    }

    private static async Task<HttpResponseMessage> PostAsync(AlertLinkerApp app, byte[] body, string query = "", string? token = Token)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/preview" + query) { Content = SourceTestApp.Json(body) };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task WhenTheTemplatesOnDiskNoLongerLoadThePreviewSaysItRendersTheLastGoodSet()
    {
        await using var app = App();
        var before = await OkJsonAsync(await PostAsync(app, SharedFixtures.ReadBytes(AlertmanagerCapture)));
        Assert.False(before.TryGetProperty("templatesNotLoaded", out var none) && none.ValueKind != JsonValueKind.Null);

        File.WriteAllText(Path.Combine(runbooks.Path, "every-alert.sbn"), RunbookFolder.Runbook("{{ if }}", title: "Every alert"));
        app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<AlertLinker.Runbooks.RunbookReloader>().Single().Reload();
        var stale = await OkJsonAsync(await PostAsync(app, SharedFixtures.ReadBytes(AlertmanagerCapture)));

        var problems = stale.GetProperty("templatesNotLoaded").EnumerateArray().Select(p => p.GetString()!).ToList();
        Assert.NotEmpty(problems);
        Assert.All(problems, p => Assert.Contains("every-alert.sbn:6:7:", p, StringComparison.Ordinal));
        // Still the last good set: the runbook that no longer parses on disk rendered as it was.
        Assert.Contains(stale.GetProperty("alerts")[0].GetProperty("runbooks").EnumerateArray(),
            r => r.GetProperty("title").GetString() == "Every alert" && r.GetProperty("text").GetString()!.Contains("Service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PreviewRendersTheRunbooksAndTheSlackMessageAndSendsAndStoresNothing()
    {
        await using var app = App();

        var preview = await OkJsonAsync(await PostAsync(app, SharedFixtures.ReadBytes(AlertmanagerCapture)));

        Assert.Equal("alertmanager", preview.GetProperty("source").GetString());
        Assert.True(preview.GetProperty("detected").GetBoolean());
        Assert.Equal("firing", preview.GetProperty("status").GetString());
        Assert.Equal("state_change", preview.GetProperty("kind").GetString());
        var alerts = preview.GetProperty("alerts");
        Assert.Equal(2, alerts.GetArrayLength());
        var model = alerts[0].GetProperty("model");
        // The model as templates see it: resolved service (job label), window (startsAt − 15 min lookback), backends.
        Assert.Equal("api", model.GetProperty("service").GetString());
        Assert.Equal("2026-11-23T18:01:23Z", model.GetProperty("window").GetProperty("start").GetString());
        Assert.Equal("HighRequestLatency", model.GetProperty("labels").GetProperty("alertname").GetString());
        var backend = Assert.Single(model.GetProperty("backends").EnumerateArray());
        Assert.Equal("jaeger", backend.GetProperty("name").GetString());
        Assert.Equal("found", backend.GetProperty("outcome").GetString());
        Assert.True(model.GetProperty("findings").ValueKind == JsonValueKind.Array);

        var rendered = alerts[0].GetProperty("runbooks").EnumerateArray().ToList();
        Assert.Equal(["Every alert", "Broken"], rendered.Select(r => r.GetProperty("title").GetString()));
        var text = rendered[0].GetProperty("text").GetString()!;
        Assert.Contains("Service api from 2026-11-23T18:01:23Z.", text, StringComparison.Ordinal);
        // The runbooks' own neutral markup, as the template wrote it; the Slack payload below has it as mrkdwn.
        Assert.Contains("](http://jaeger-ui.test/search?service=api&", text, StringComparison.Ordinal);
        Assert.Contains("minDuration=1s", text, StringComparison.Ordinal);
        Assert.Contains("'soon' is not a duration", rendered[1].GetProperty("error").GetString(), StringComparison.Ordinal);

        var slackPayload = preview.GetProperty("slack");
        Assert.Contains("HighRequestLatency", slackPayload.GetProperty("text").GetString(), StringComparison.Ordinal);
        var card = StandIns.AllText(slackPayload.GetProperty("attachments"));
        Assert.Contains("Service api from", card, StringComparison.Ordinal);
        Assert.Equal("header", slackPayload.GetProperty("blocks")[0].GetProperty("type").GetString());
        Assert.Equal(SlackLifecycle.FiringColour, slackPayload.GetProperty("attachments")[0].GetProperty("color").GetString());

        Assert.Empty(slack.LogEntries);
        Assert.Equal(0, store.Calls);
        Assert.Contains(app.Logs, line => line.Contains("Previewed a alertmanager notification", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LogLinksComputedInEnrichmentAreInTheModelTheRunbooksAndTheSlackPayload()
    {
        await using var app = App(new Dictionary<string, string?>
        {
            ["AlertLinker:Preview:BearerToken"] = Token,
            ["AlertLinker:LogLinks:kibana:Type"] = "UrlTemplate",
            ["AlertLinker:LogLinks:kibana:Title"] = "Kibana",
            ["AlertLinker:LogLinks:kibana:Template"] = "https://kibana.test/discover?q={trace_id}&svc={service}",
        });

        var preview = await OkJsonAsync(await PostAsync(app, SharedFixtures.ReadBytes(AlertmanagerCapture)));

        var alert = preview.GetProperty("alerts")[0];
        var model = alert.GetProperty("model");
        var exemplars = model.GetProperty("backends")[0].GetProperty("exemplars").EnumerateArray().Select(e => e.GetProperty("trace_id").GetString()).ToList();
        var links = model.GetProperty("log_links").EnumerateArray().ToList();
        Assert.NotEmpty(links);
        Assert.Equal(exemplars, links.Select(l => l.GetProperty("trace_id").GetString()));
        var first = links[0];
        Assert.Equal("Kibana", first.GetProperty("title").GetString());
        Assert.Equal($"https://kibana.test/discover?q={exemplars[0]}&svc=api", first.GetProperty("url").GetString());
        var runbook = alert.GetProperty("runbooks")[0].GetProperty("text").GetString()!;
        Assert.Contains($"logs of {exemplars[0]}: https://kibana.test/discover?q={exemplars[0]}&svc=api", runbook, StringComparison.Ordinal);
        var card = StandIns.AllText(preview.GetProperty("slack").GetProperty("attachments"));
        Assert.Contains($"logs: <https://kibana.test/discover?q={exemplars[0]}&svc=api|Kibana>", card, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json", "alertmanager", "HighRequestLatency")]
    [InlineData("webhooks/grafana/grafana-docs-webhook-firing-2-alerts.json", "grafana", "High memory usage")]
    [InlineData("webhooks/pagerduty/v3-zulip-incident.triggered.json", "pagerduty", "Test Incident 3")]
    [InlineData("webhooks/opsgenie/docs-sample-create.json", "opsgenie", "test alert")]
    public async Task EverySourcesBodyPreviewsWhetherNamedOrToldFromItsShape(string fixture, string source, string alertName)
    {
        await using var app = App();
        var body = SharedFixtures.ReadBytes(fixture);

        foreach (var query in new[] { "", "?source=" + source })
        {
            var preview = await OkJsonAsync(await PostAsync(app, body, query));

            Assert.Equal(source, preview.GetProperty("source").GetString());
            Assert.Equal(query.Length == 0, preview.GetProperty("detected").GetBoolean());
            var names = preview.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("model").GetProperty("alert").GetProperty("name").GetString());
            Assert.Contains(names, name => name!.Contains(alertName, StringComparison.Ordinal));
            Assert.Contains(alertName, StandIns.AllText(preview.GetProperty("slack")), StringComparison.Ordinal);
        }
        Assert.Empty(slack.LogEntries);
        Assert.Equal(0, store.Calls);
    }

    [Fact]
    public async Task TheHostileCaptureComesOutHarmlessInThePreviewedSlackPayload()
    {
        await using var app = App();

        var preview = await OkJsonAsync(await PostAsync(app, SharedFixtures.ReadBytes("webhooks/alertmanager/am-0.25.0-captured-firing-basicauth-hostile-text.json")));

        var slackText = string.Join("\n", StandIns.Strings(preview.GetProperty("slack")));
        Assert.Contains("&lt;!channel&gt;", slackText, StringComparison.Ordinal);
        Assert.DoesNotContain("<!", slackText, StringComparison.Ordinal);
        Assert.DoesNotContain("<@", slackText, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", slackText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APagerDutyBodyNeedsNoSignatureButThePreviewsOwnCredentials()
    {
        await using var app = App();
        var body = SharedFixtures.ReadBytes("webhooks/pagerduty/v3-zulip-incident.triggered.json");

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(app, body)).StatusCode);
        await SourceTestApp.AssertProblemAsync(await PostAsync(app, body, token: "wrong"), HttpStatusCode.Unauthorized, "AlertLinker:Preview");
        await SourceTestApp.AssertProblemAsync(await PostAsync(app, body, token: null), HttpStatusCode.Unauthorized, "AlertLinker:Preview");
    }

    [Fact]
    public async Task BasicAuthWorksAsWell()
    {
        await using var app = App(new Dictionary<string, string?>
        {
            ["AlertLinker:Preview:BasicAuth:Username"] = "author",
            ["AlertLinker:Preview:BasicAuth:Password"] = "s3cret",
        });
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/preview") { Content = SourceTestApp.Json(SharedFixtures.ReadBytes(AlertmanagerCapture)) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("author:s3cret")));

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task WithoutPreviewConfiguredItAnswers403SayingHowToEnableIt()
    {
        await using var app = App(new Dictionary<string, string?>());

        var response = await PostAsync(app, SharedFixtures.ReadBytes(AlertmanagerCapture));

        await SourceTestApp.AssertProblemAsync(response, HttpStatusCode.Forbidden, "AlertLinker:Preview:AllowAnonymous");
        Assert.Contains(app.Logs, line => line.Contains("POST /api/preview is off", StringComparison.Ordinal));
        Assert.Equal(0, store.Calls);
    }

    [Fact]
    public async Task AllowAnonymousOpensItAndWarnsAtStartUp()
    {
        await using var app = App(new Dictionary<string, string?> { ["AlertLinker:Preview:AllowAnonymous"] = "true" });

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(app, SharedFixtures.ReadBytes(AlertmanagerCapture), token: null)).StatusCode);
        Assert.Contains(app.Logs, line => line.StartsWith("Warning", StringComparison.Ordinal) && line.Contains("accepts unauthenticated calls", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"alerts\": [", "", "not valid JSON")]
    [InlineData("{\"alerts\": []}", "", "$.alerts must be a non-empty array")]
    [InlineData("{\"hello\": 1}", "", "?source=")]
    [InlineData("{\"alerts\": []}", "?source=nagios", "Unknown source 'nagios'")]
    // A lone surrogate where the shape detection looks (the version) is not Grafana's "1": no 500 on the way.
    [InlineData("{\"alerts\": [], \"version\": \"\\ud800\"}", "", "$.")]
    [InlineData("{\"\\ud800\": 1, \"alerts\": []}", "", "wrong type")]
    [InlineData("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"X\"},\"startsAt\":\"2026-11-23T18:16:23Z\"}]}", "?source=pagerduty", "$.event is missing")]
    public async Task ABadBodyIs400WithTheParsersReason(string body, string query, string detail)
    {
        await using var app = App();

        await SourceTestApp.AssertProblemAsync(await PostAsync(app, Encoding.UTF8.GetBytes(body), query), HttpStatusCode.BadRequest, detail);
        Assert.Equal(0, store.Calls);
    }

    [Fact]
    public async Task ABodyOverTheLimitIs413NamingThePreviewsSetting()
    {
        await using var app = App(new Dictionary<string, string?>
        {
            ["AlertLinker:Preview:BearerToken"] = Token,
            ["AlertLinker:Preview:MaxBodyBytes"] = "1024",
        });

        var response = await PostAsync(app, Encoding.UTF8.GetBytes("{\"alerts\": [" + new string(' ', 2000) + "]}"));

        await SourceTestApp.AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "AlertLinker:Preview:MaxBodyBytes");
    }

    [Fact]
    public async Task MorePreviewsAtOnceThanMaxConcurrentGet429UntilOneFinishes()
    {
        var release = new TaskCompletionSource<IReadOnlyList<TraceSummary>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var blocking = new TestSupport.FakeTraceBackend("blocking", (_, _) => release.Task);
        var settings = new Dictionary<string, string?>
        {
            ["AlertLinker:Runbooks:Directory"] = runbooks.Path,
            ["AlertLinker:Preview:BearerToken"] = Token,
            ["AlertLinker:Preview:MaxConcurrent"] = "1",
        };
        await using var app = new AlertLinkerApp(settings, services =>
        {
            services.RemoveAll<IAlertStore>();
            services.AddSingleton<IAlertStore>(store);
            services.AddSingleton<ITraceBackend>(blocking);
        });
        var body = SharedFixtures.ReadBytes(AlertmanagerCapture);

        var first = PostAsync(app, body);
        await Eventually.UntilAsync(() => blocking.Searches > 0, TimeSpan.FromSeconds(30), "the first preview to reach the backend");
        var second = await PostAsync(app, body);

        await SourceTestApp.AssertProblemAsync(second, HttpStatusCode.TooManyRequests, "AlertLinker:Preview:MaxConcurrent");
        Assert.Equal(TimeSpan.FromSeconds(1), second.Headers.RetryAfter?.Delta);
        release.SetResult([]);
        Assert.Equal(HttpStatusCode.OK, (await first).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(app, body)).StatusCode);
    }

    [Fact]
    public async Task ANoteSaysItIsOneWithItsText()
    {
        await using var app = App();

        var preview = await OkJsonAsync(await PostAsync(app, SharedFixtures.ReadBytes("webhooks/opsgenie/docs-sample-addnote.json")));

        Assert.Equal("note", preview.GetProperty("kind").GetString());
        Assert.False(string.IsNullOrEmpty(preview.GetProperty("note").GetString()));
    }

    [Fact]
    public async Task ABodyThatAsksNothingOfSlackSaysWhy()
    {
        await using var app = App();

        var preview = await OkJsonAsync(await PostAsync(app, SharedFixtures.ReadBytes("webhooks/opsgenie/docs-sample-addtags.json")));

        Assert.Equal("opsgenie", preview.GetProperty("source").GetString());
        Assert.False(string.IsNullOrEmpty(preview.GetProperty("ignored").GetString()));
        Assert.Equal(0, preview.GetProperty("alerts").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("slack").ValueKind);
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheSourceQueryAndTheBody()
    {
        await using var app = App();
        using var client = app.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var operation = document.GetProperty("paths").GetProperty("/api/preview").GetProperty("post");

        Assert.Contains(operation.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "source");
        Assert.Equal(4, operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("oneOf").GetArrayLength());
        Assert.Contains("told from the body's shape", operation.GetProperty("description").GetString(), StringComparison.Ordinal);
    }
}
