using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AlertLinker.Preview;
using AlertLinker.Tests.Sources;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.OpenApi;

/// <summary>/openapi/v1.json as a client generator reads it: credentials, example bodies, enums, health endpoints.</summary>
public sealed class OpenApiDocumentTests
{
    private const string Document = "/openapi/v1.json";

    public static TheoryData<string> Webhooks => new() { "alertmanager", "grafana", "pagerduty", "opsgenie" };

    private static async Task<JsonNode> ReadDocumentAsync(AlertLinkerApp app)
    {
        using var client = app.CreateClient();
        return JsonNode.Parse(await client.GetStringAsync(Document))!;
    }

    private static JsonNode Operation(JsonNode document, string path, string method = "post") =>
        document["paths"]?[path]?[method] ?? throw new Xunit.Sdk.XunitException($"{method.ToUpperInvariant()} {path} is not in the document");

    [Fact]
    public async Task TheDocumentDescribesTheAlertmanagerWebhookAndItsBody()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateClient();

        var document = await client.GetStringAsync(Document);

        Assert.Contains("\"/webhooks/alertmanager\"", document);
        Assert.Contains("\"requestBody\"", document);
        Assert.Contains("\"generatorURL\"", document);
        Assert.Contains("\"truncatedAlerts\"", document);
    }

    [Fact]
    public async Task EveryWebhookAndThePreviewRequireCredentialsThatAreDefinedSecuritySchemes()
    {
        await using var app = new AlertLinkerApp();
        var document = await ReadDocumentAsync(app);
        var schemes = document["components"]?["securitySchemes"]?.AsObject() ?? throw new Xunit.Sdk.XunitException("no securitySchemes");

        var secured = document["paths"]!.AsObject()
            .Where(path => path.Key.StartsWith("/webhooks/", StringComparison.Ordinal) || path.Key == PreviewApi.Route)
            .ToList();
        Assert.Equal(5, secured.Count);
        foreach (var (path, item) in secured)
        {
            var requirements = item!["post"]?["security"]?.AsArray();
            Assert.True(requirements is { Count: > 0 }, $"POST {path} declares no security requirement");
            foreach (var requirement in requirements!)
            {
                foreach (var (scheme, _) in requirement!.AsObject())
                {
                    Assert.True(schemes.ContainsKey(scheme), $"POST {path} requires '{scheme}', which is not a defined security scheme");
                    // Each endpoint has its own secrets, so its own schemes, named after it.
                    var owner = path == PreviewApi.Route ? "preview" : path["/webhooks/".Length..];
                    Assert.StartsWith(owner + "_", scheme, StringComparison.Ordinal);
                }
            }
            var description = string.Join(" ", requirements!.SelectMany(r => r!.AsObject().Select(s => schemes[s.Key]!["description"]!.GetValue<string>())));
            Assert.Contains("AlertLinker:", description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SignedSourcesDescribeTheirSignatureHeaderAndTheCombinationWithBearer()
    {
        await using var app = new AlertLinkerApp();
        var document = await ReadDocumentAsync(app);
        var schemes = document["components"]!["securitySchemes"]!;

        Assert.Equal("X-PagerDuty-Signature", schemes["pagerduty_signature"]!["name"]!.GetValue<string>());
        Assert.Equal("header", schemes["pagerduty_signature"]!["in"]!.GetValue<string>());
        Assert.Equal("X-Grafana-Alerting-Signature", schemes["grafana_signature"]!["name"]!.GetValue<string>());
        var grafana = Operation(document, "/webhooks/grafana")["security"]!.AsArray();
        // Both configured = both checked: an AND requirement lists the two schemes in one object.
        Assert.Contains(grafana, r => r!.AsObject().Select(p => p.Key).Order().SequenceEqual(["grafana_bearer", "grafana_signature"]));
    }

    [Fact]
    public async Task OpsgeniesSharedSecretHeaderIsDocumentedUnderTheNameThisDeploymentConfigured()
    {
        await using var app = new AlertLinkerApp(new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:Opsgenie:HeaderName"] = "X-Team-Secret",
            ["AlertLinker:Sources:Opsgenie:HeaderValue"] = "s3cr3t-never-in-the-document",
        });
        using var client = app.CreateClient();
        var text = await client.GetStringAsync(Document);
        var document = JsonNode.Parse(text)!;

        Assert.Equal("X-Team-Secret", document["components"]!["securitySchemes"]!["opsgenie_header"]!["name"]!.GetValue<string>());
        Assert.Contains(Operation(document, "/webhooks/opsgenie")["security"]!.AsArray(), r => r!.AsObject().ContainsKey("opsgenie_header"));
        Assert.DoesNotContain("s3cr3t-never-in-the-document", text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Webhooks))]
    public async Task EveryWebhooksExampleBodyIsARealCaptureTheEndpointAccepts(string source)
    {
        var store = new RecordingAlertStore();
        await using var app = SourceTestApp.Create(store);
        var document = await ReadDocumentAsync(app);
        var examples = Operation(document, "/webhooks/" + source)["requestBody"]?["content"]?["application/json"]?["examples"]?.AsObject();
        Assert.True(examples is { Count: > 0 }, $"POST /webhooks/{source} has no example body");
        var example = examples!.Single().Value!;
        Assert.False(string.IsNullOrWhiteSpace(example["summary"]?.GetValue<string>()));
        var value = example["value"]!;

        // From a real fixture of that source, byte for byte as JSON.
        var fixtures = SharedFixtures.Files($"webhooks/{source}").Select(f => (string)f[0]);
        Assert.Contains(fixtures, f => JsonNode.DeepEquals(JsonNode.Parse(SharedFixtures.Read(f)), value));

        // And a body the endpoint takes: a generated client sending the example gets an answer, not a 400.
        using var client = app.CreateClient();
        using var request = SourceTestApp.AuthorizedRequest(source, Encoding.UTF8.GetBytes(value.ToJsonString()));
        using var response = await client.SendAsync(request);
        Assert.True(response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK,
            $"{source} example answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task ThePreviewCarriesOneExampleBodyPerSource()
    {
        await using var app = new AlertLinkerApp();
        var document = await ReadDocumentAsync(app);

        var examples = Operation(document, PreviewApi.Route)["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();

        var names = app.Services.GetServices<IAlertSource>().Select(s => s.Name).ToList();
        Assert.Equal(names.Order(), examples.Select(e => e.Key).Order());
        foreach (var source in names)
            Assert.True(JsonNode.DeepEquals(Operation(document, "/webhooks/" + source)["requestBody"]!["content"]!["application/json"]!["examples"]![source]!["value"], examples[source]!["value"]));
    }

    [Fact]
    public async Task ThePreviewSourceParameterIsAnEnumOfExactlyTheValuesThePreviewAccepts()
    {
        await using var app = new AlertLinkerApp(new Dictionary<string, string?> { ["AlertLinker:Preview:AllowAnonymous"] = "true" });
        var document = await ReadDocumentAsync(app);
        var parameter = Operation(document, PreviewApi.Route)["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "source")!;
        var values = parameter["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.Equal("query", parameter["in"]!.GetValue<string>());
        Assert.NotEmpty(values);

        using var client = app.CreateClient();
        foreach (var value in values)
        {
            var body = Operation(document, "/webhooks/" + value)["requestBody"]!["content"]!["application/json"]!["examples"]![value]!["value"]!.ToJsonString();
            using var response = await client.PostAsync($"{PreviewApi.Route}?source={value}", new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"?source={value}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        using var unknown = await client.PostAsync($"{PreviewApi.Route}?source=zabbix", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
    }

    [Fact]
    public async Task HealthEndpointsAreListedWithTheirAnswers()
    {
        await using var app = new AlertLinkerApp();
        var document = await ReadDocumentAsync(app);

        Assert.NotNull(Operation(document, "/healthz", "get")["responses"]?["200"]?["content"]?["text/plain"]);
        var readiness = Operation(document, "/readyz", "get")["responses"]!;
        foreach (var status in new[] { "200", "503" })
        {
            var reference = readiness[status]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>();
            Assert.Equal("#/components/schemas/ReadinessReport", reference);
        }
        var check = document["components"]!["schemas"]!["ReadinessCheck"]!["properties"]!.AsObject();
        Assert.True(check.ContainsKey("name") && check.ContainsKey("status") && check.ContainsKey("reason"), check.ToJsonString());
    }

    [Fact]
    public async Task SwaggerUiIsServed()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateClient();

        var response = await client.GetAsync("/swagger/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("swagger-ui", await response.Content.ReadAsStringAsync());
    }
}
