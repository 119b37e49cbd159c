using System.Net;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Operability;

public sealed class OperabilityTests
{
    [Fact]
    public async Task LivenessAndReadinessAnswerHealthyOnTheEmbeddedDefaults()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateClient();

        Assert.Equal("Healthy", await client.GetStringAsync("/healthz"));
        Assert.Equal("Healthy", await client.GetStringAsync("/readyz"));
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheAlertmanagerWebhookAndItsBody()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateClient();

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("\"/webhooks/alertmanager\"", document);
        Assert.Contains("\"requestBody\"", document);
        Assert.Contains("\"generatorURL\"", document);
        Assert.Contains("\"truncatedAlerts\"", document);
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
