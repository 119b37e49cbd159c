using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using AlertLinker.Sources;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Sources.Alertmanager;

public sealed class AlertmanagerWebhookTests
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    private static ByteArrayContent Json(byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(detail, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ARealCaptureWithTheRightBearerTokenIsAcceptedWith202()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateAuthorizedClient();

        var response = await client.PostAsync("/webhooks/alertmanager", Json(SharedFixtures.ReadBytes(Capture)));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<AcceptResult>();
        Assert.Equal(2, accepted!.Accepted);
        Assert.NotNull(accepted.NotificationId);
    }

    [Fact]
    public async Task TheSameNotificationTwiceIsAcknowledgedButStoredOnce()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateAuthorizedClient();

        await client.PostAsync("/webhooks/alertmanager", Json(SharedFixtures.ReadBytes(Capture)));
        var second = await client.PostAsync("/webhooks/alertmanager", Json(SharedFixtures.ReadBytes(Capture)));

        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        var accepted = await second.Content.ReadFromJsonAsync<AcceptResult>();
        Assert.Equal((0, 2), (accepted!.Accepted, accepted.Duplicates));
        Assert.Null(accepted.NotificationId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic YW06ZXhhbXBsZS1wYXNzd29yZA==")]
    public async Task MissingOrWrongCredentialsAreRefusedWith401WithoutEchoingTheToken(string? authorization)
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager") { Content = Json(SharedFixtures.ReadBytes(Capture)) };
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);

        var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "credentials");
        Assert.DoesNotContain(AlertLinkerApp.BearerToken, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BasicAuthFromConfigurationIsAccepted()
    {
        await using var app = new AlertLinkerApp(new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:Alertmanager:BearerToken"] = null,
            ["AlertLinker:Sources:Alertmanager:BasicAuth:Username"] = "am",
            ["AlertLinker:Sources:Alertmanager:BasicAuth:Password"] = "example-password",
        });
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("am:example-password")));

        var response = await client.PostAsync("/webhooks/alertmanager",
            Json(SharedFixtures.ReadBytes("webhooks/alertmanager/am-0.25.0-captured-firing-basicauth-hostile-text.json")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task AMalformedBodyIsA400ProblemSayingWhereItIsWrong()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateAuthorizedClient();

        var response = await client.PostAsync("/webhooks/alertmanager",
            Json("""{"alerts":[{"status":"firing","labels":{"severity":3},"startsAt":"2026-11-23T18:16:23Z"}]}"""u8.ToArray()));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "$.alerts[0].labels.severity has the wrong type");
    }

    [Fact]
    public async Task ABodyOverTheLimitIsRefusedWith413()
    {
        await using var app = new AlertLinkerApp(new Dictionary<string, string?> { ["AlertLinker:Sources:Alertmanager:MaxBodyBytes"] = "2048" });
        using var client = app.CreateAuthorizedClient();
        var big = Encoding.UTF8.GetBytes("{\"alerts\":[],\"pad\":\"" + new string('x', 4096) + "\"}");

        var response = await client.PostAsync("/webhooks/alertmanager", Json(big));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "2048 bytes");
    }

    [Fact]
    public async Task ANonJsonContentTypeIsRefusedWith415()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateAuthorizedClient();

        var response = await client.PostAsync("/webhooks/alertmanager", Json(SharedFixtures.ReadBytes(Capture), "text/plain"));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "text/plain");
    }
}
