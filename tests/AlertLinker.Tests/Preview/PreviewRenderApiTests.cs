using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AlertLinker.Preview;
using AlertLinker.Tests.Runbooks;
using AlertLinker.Tests.Sources;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AlertLinker.Tests.Preview;

/// <summary>
/// POST /api/preview/render and GET /api/preview/templates in-process: the preview with an override set of templates,
/// what the playground page calls, without a browser.
/// </summary>
public sealed class PreviewRenderApiTests : IDisposable
{
    private const string Token = "test-token-preview";
    private const string AlertmanagerCapture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    private readonly RecordingAlertStore store = new();
    private readonly RunbookFolder runbooks = new(
        ("_greeting.sbn", "Hello from the partial."),
        ("every-alert.sbn", RunbookFolder.Runbook("Service {{ service }} on disk.\n{{ include \"_greeting\" }}", title: "Every alert")));

    public void Dispose() => runbooks.Dispose();

    private AlertLinkerApp App(IDictionary<string, string?>? preview = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AlertLinker:Runbooks:Directory"] = runbooks.Path,
        };
        foreach (var (key, value) in preview ?? new Dictionary<string, string?> { ["AlertLinker:Preview:BearerToken"] = Token })
            settings[key] = value;
        return SourceTestApp.Create(store, settings);
    }

    private static async Task<HttpResponseMessage> SendAsync(AlertLinkerApp app, HttpMethod method, string path, string? json = null, string? token = Token)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
            request.Content = SourceTestApp.Json(Encoding.UTF8.GetBytes(json));
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static string Request(object? body, IDictionary<string, string>? templates = null, string? source = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?> { ["body"] = body, ["source"] = source, ["templates"] = templates });

    private static async Task<JsonElement> RenderAsync(AlertLinkerApp app, IDictionary<string, string>? templates = null, object? body = null)
    {
        var response = await SendAsync(app, HttpMethod.Post, PreviewRenderApi.RenderRoute,
            Request(body ?? SharedFixtures.Read(AlertmanagerCapture), templates));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static IReadOnlyList<JsonElement> Runbooks(JsonElement render) =>
        render.GetProperty("preview").GetProperty("alerts")[0].GetProperty("runbooks").EnumerateArray().ToList();

    private IReadOnlyDictionary<string, string> Folder() =>
        Directory.EnumerateFiles(runbooks.Path).ToDictionary(file => Path.GetFileName(file), file => File.ReadAllText(file) + "@" + File.GetLastWriteTimeUtc(file).Ticks);

    [Fact]
    public async Task WithoutOverridesTheRenderIsThePreviewOfTheLoadedTemplates()
    {
        await using var app = App();

        var render = await RenderAsync(app);

        Assert.Equal("alertmanager", render.GetProperty("preview").GetProperty("source").GetString());
        var runbook = Assert.Single(Runbooks(render));
        Assert.Equal("Service api on disk.\nHello from the partial.", runbook.GetProperty("text").GetString());
        Assert.Empty(render.GetProperty("problems").EnumerateArray());
        Assert.Contains("Service api on disk.", StandIns.AllText(render.GetProperty("preview").GetProperty("slack")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOverriddenTemplateAndANewPartialRenderInPlaceOfTheFilesAndNothingIsWrittenToTheFolder()
    {
        await using var app = App();
        var before = Folder();

        var render = await RenderAsync(app, new Dictionary<string, string>
        {
            ["every-alert.sbn"] = RunbookFolder.Runbook("Service *{{ service }}* edited.\n{{ include \"_new\" }}", title: "Every alert, edited"),
            ["_new.sbn"] = "A partial that exists only in this render.",
        });

        var runbook = Assert.Single(Runbooks(render));
        Assert.Equal("Every alert, edited", runbook.GetProperty("title").GetString());
        Assert.Equal("Service *api* edited.\nA partial that exists only in this render.", runbook.GetProperty("text").GetString());
        var slack = StandIns.AllText(render.GetProperty("preview").GetProperty("slack"));
        Assert.Contains("A partial that exists only in this render.", slack, StringComparison.Ordinal);
        Assert.DoesNotContain("on disk", slack, StringComparison.Ordinal);
        Assert.Equal(before, Folder());
        // The service's own set is untouched: the next plain preview renders the files on disk.
        Assert.Equal("Service api on disk.\nHello from the partial.", Runbooks(await RenderAsync(app))[0].GetProperty("text").GetString());
        Assert.Equal(0, store.Calls);
    }

    [Fact]
    public async Task ATemplateThatDoesNotParseIsAProblemWithItsFileLineAndColumnAndIsLeftOut()
    {
        await using var app = App();

        var render = await RenderAsync(app, new Dictionary<string, string>
        {
            ["broken.sbn"] = RunbookFolder.Runbook("fine\n{{ if }}", title: "Broken"),
        });

        var problem = render.GetProperty("problems")[0];
        Assert.Equal("broken.sbn", problem.GetProperty("file").GetString());
        // Front matter is five lines here ("---", title, order, match, "---"), so the body's second line is line 7.
        Assert.Equal(7, problem.GetProperty("line").GetInt32());
        // At the }} where the condition should have been.
        Assert.Equal(7, problem.GetProperty("column").GetInt32());
        Assert.Contains("if", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(["Every alert"], Runbooks(render).Select(r => r.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task ARenderErrorIsAProblemWithItsLineAndTheMessageStillComes()
    {
        await using var app = App();

        var render = await RenderAsync(app, new Dictionary<string, string>
        {
            ["every-alert.sbn"] = RunbookFolder.Runbook("line one\nline two {{ duration \"soon\" }}", title: "Every alert"),
        });

        var problem = Assert.Single(render.GetProperty("problems").EnumerateArray());
        Assert.Equal("every-alert.sbn", problem.GetProperty("file").GetString());
        Assert.Equal(7, problem.GetProperty("line").GetInt32());
        Assert.Contains("'soon' is not a duration", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("header", render.GetProperty("preview").GetProperty("slack").GetProperty("blocks")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task AnOverrideRunsInTheSameSandboxAndIsStoppedByTheLoopLimit()
    {
        await using var app = App(new Dictionary<string, string?>
        {
            ["AlertLinker:Preview:BearerToken"] = Token,
            ["AlertLinker:Runbooks:LoopLimit"] = "50",
        });

        var render = await RenderAsync(app, new Dictionary<string, string>
        {
            ["every-alert.sbn"] = RunbookFolder.Runbook("{{ for i in 1..100000 }}x{{ end }}", title: "Every alert"),
        });

        var problem = Assert.Single(render.GetProperty("problems").EnumerateArray());
        Assert.Equal(6, problem.GetProperty("line").GetInt32());
        Assert.Contains("limit", problem.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheBodyMayBeTheWebhookBodysTextOrItsJsonAndTheSourceMayBeNamed()
    {
        await using var app = App();
        var text = SharedFixtures.Read(AlertmanagerCapture);

        var asText = await RenderAsync(app, body: text);
        var asJson = await RenderAsync(app, body: JsonNode.Parse(text));
        var named = await SendAsync(app, HttpMethod.Post, PreviewRenderApi.RenderRoute, Request(text, source: "alertmanager"));

        Assert.Equal(StandIns.AllText(asText.GetProperty("preview").GetProperty("slack")), StandIns.AllText(asJson.GetProperty("preview").GetProperty("slack")));
        var namedPreview = JsonDocument.Parse(await named.Content.ReadAsStringAsync()).RootElement.GetProperty("preview");
        Assert.False(namedPreview.GetProperty("detected").GetBoolean());
        Assert.True(asText.GetProperty("preview").GetProperty("detected").GetBoolean());
    }

    [Theory]
    [InlineData("not json", "not a JSON object")]
    [InlineData("{\"templates\": {}}", "body is missing")]
    [InlineData("{\"body\": \"\"}", "body is an empty string")]
    [InlineData("{\"body\": \"{}\", \"source\": \"nagios\"}", "Unknown source 'nagios'")]
    [InlineData("{\"body\": \"{\\\"hello\\\": 1}\"}", "not one a source sends")]
    [InlineData("{\"body\": \"not json at all\", \"source\": \"alertmanager\"}", "")]
    [InlineData("{\"body\": {}, \"templates\": {\"../outside.sbn\": \"x\"}}", "'../outside.sbn' is not a template file name")]
    [InlineData("{\"body\": {}, \"templates\": {\"sub/dir.sbn\": \"x\"}}", "'sub/dir.sbn' is not a template file name")]
    [InlineData("{\"body\": {}, \"templates\": {\"notes.txt\": \"x\"}}", "'notes.txt' is not a template file name")]
    [InlineData("{\"body\": {}, \"templates\": {\"a.sbn\": null}}", "'a.sbn' has no text")]
    [InlineData("{\"body\": {}, \"templates\": [\"a.sbn\"]}", "not a JSON object")]
    public async Task BadInputIsA400ProblemSayingWhatIsWrong(string request, string detail)
    {
        await using var app = App();

        await SourceTestApp.AssertProblemAsync(await SendAsync(app, HttpMethod.Post, PreviewRenderApi.RenderRoute, request), HttpStatusCode.BadRequest, detail);
        Assert.Equal(0, store.Calls);
    }

    [Fact]
    public async Task MoreOverridesThanTheLimitAreRefused()
    {
        await using var app = App();
        var templates = Enumerable.Range(0, PreviewRenderApi.MaxOverrides + 1).ToDictionary(i => $"t{i}.sbn", _ => "x");

        await SourceTestApp.AssertProblemAsync(await SendAsync(app, HttpMethod.Post, PreviewRenderApi.RenderRoute, Request("{}", templates)),
            HttpStatusCode.BadRequest, $"at most {PreviewRenderApi.MaxOverrides}");
    }

    [Fact]
    public async Task ARequestLargerThanThePreviewsBodyLimitIs413()
    {
        await using var app = App(new Dictionary<string, string?>
        {
            ["AlertLinker:Preview:BearerToken"] = Token,
            ["AlertLinker:Preview:MaxBodyBytes"] = "2048",
        });

        await SourceTestApp.AssertProblemAsync(
            await SendAsync(app, HttpMethod.Post, PreviewRenderApi.RenderRoute, Request("{}", new Dictionary<string, string> { ["big.sbn"] = new string('x', 4096) })),
            HttpStatusCode.RequestEntityTooLarge, "AlertLinker:Preview:MaxBodyBytes");
    }

    [Fact]
    public async Task WithoutThePreviewsCredentialsBothRoutesAre401AndWithThePreviewOffBothAre403()
    {
        await using (var app = App())
        {
            foreach (var (method, path) in new[] { (HttpMethod.Post, PreviewRenderApi.RenderRoute), (HttpMethod.Get, PreviewRenderApi.TemplatesRoute) })
            {
                var json = method == HttpMethod.Post ? Request("{}") : null;
                var response = await SendAsync(app, method, path, json, token: null);
                await SourceTestApp.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "AlertLinker:Preview");
                Assert.Contains(response.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Bearer");
                await SourceTestApp.AssertProblemAsync(await SendAsync(app, method, path, json, token: "wrong"), HttpStatusCode.Unauthorized, "AlertLinker:Preview");
            }
        }
        await using (var off = App(new Dictionary<string, string?>()))
        {
            await SourceTestApp.AssertProblemAsync(await SendAsync(off, HttpMethod.Post, PreviewRenderApi.RenderRoute, Request("{}")), HttpStatusCode.Forbidden, "AlertLinker:Preview:BearerToken");
            await SourceTestApp.AssertProblemAsync(await SendAsync(off, HttpMethod.Get, PreviewRenderApi.TemplatesRoute), HttpStatusCode.Forbidden, "AlertLinker:Preview:BearerToken");
        }
    }

    [Fact]
    public async Task WhenEveryPreviewSlotIsTakenTheRenderIs429WithRetryAfter()
    {
        await using var app = App(new Dictionary<string, string?>
        {
            ["AlertLinker:Preview:BearerToken"] = Token,
            ["AlertLinker:Preview:MaxConcurrent"] = "1",
        });
        using var client = app.CreateClient();
        using var taken = app.Services.GetRequiredService<PreviewGate>().TryEnter();
        Assert.NotNull(taken);

        var response = await SendAsync(app, HttpMethod.Post, PreviewRenderApi.RenderRoute, Request(SharedFixtures.Read(AlertmanagerCapture)));

        await SourceTestApp.AssertProblemAsync(response, HttpStatusCode.TooManyRequests, "AlertLinker:Preview:MaxConcurrent");
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
    }

    [Fact]
    public async Task TheTemplatesRouteListsEveryLoadedFileWithItsTextAndTheCheckCommand()
    {
        await using var app = App();

        var response = await SendAsync(app, HttpMethod.Get, PreviewRenderApi.TemplatesRoute);
        var templates = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var files = templates.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("file").GetString()!);
        Assert.Equal(["_greeting.sbn", "every-alert.sbn"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("partial", files["_greeting.sbn"].GetProperty("kind").GetString());
        Assert.Equal("runbook", files["every-alert.sbn"].GetProperty("kind").GetString());
        Assert.Equal("Every alert", files["every-alert.sbn"].GetProperty("title").GetString());
        Assert.Equal(File.ReadAllText(Path.Combine(runbooks.Path, "every-alert.sbn")), files["every-alert.sbn"].GetProperty("text").GetString());
        Assert.Equal("AlertLinker templates check " + runbooks.Path, templates.GetProperty("checkCommand").GetString());
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheRenderRequestAndThePreviewsCredentialsOnBothRoutes()
    {
        await using var app = App();
        using var client = app.CreateClient();

        var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;

        var render = document.GetProperty("paths").GetProperty(PreviewRenderApi.RenderRoute).GetProperty("post");
        var schema = render.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.EndsWith("PreviewRenderRequest", schema.GetProperty("$ref").GetString(), StringComparison.Ordinal);
        foreach (var status in new[] { "200", "400", "401", "403", "413", "415", "429" })
            Assert.True(render.GetProperty("responses").TryGetProperty(status, out _), $"the render documents {status}");
        var templates = document.GetProperty("paths").GetProperty(PreviewRenderApi.TemplatesRoute).GetProperty("get");
        foreach (var operation in new[] { render, templates })
        {
            var schemes = operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name)).ToList();
            Assert.Equal(["preview_bearer", "preview_basic"], schemes);
        }
        Assert.True(document.GetProperty("components").GetProperty("schemas").TryGetProperty("RunbookProblem", out _));
    }
}
