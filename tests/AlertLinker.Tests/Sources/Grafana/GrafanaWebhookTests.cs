using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using AlertLinker.Tests.TestSupport;
using static AlertLinker.Tests.Sources.SourceTestApp;

namespace AlertLinker.Tests.Sources.Grafana;

public sealed class GrafanaWebhookTests
{
    private const string Secret = "grafana-hmac-secret";
    private static readonly byte[] Body = SharedFixtures.ReadBytes("webhooks/grafana/zulip-grafana-v11-firing-values-valueString.json");

    private static string Sign(string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(message).Concat(Body).ToArray()));

    private static Dictionary<string, string?> Hmac(bool withTimestamp) => new()
    {
        ["AlertLinker:Sources:Grafana:BearerToken"] = null,
        ["AlertLinker:Sources:Grafana:SigningSecret"] = Secret,
        ["AlertLinker:Sources:Grafana:TimestampHeader"] = withTimestamp ? "X-Grafana-Alerting-Timestamp" : null,
    };

    [Fact]
    public async Task TheGrafana11CaptureWithTheBearerTokenIsStoredWithItsLinks()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();

        var response = await client.SendAsync(AuthorizedRequest("grafana", Body));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var stored = Assert.Single(store.Stored);
        Assert.Equal("grafana", stored.Source);
        Assert.Equal(4, stored.Alerts[0].Links.Count);
    }

    [Fact]
    public async Task AWrongBearerTokenIsRefused()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/grafana") { Content = Json(Body) };
        request.Headers.Authorization = new("Bearer", AlertLinkerApp.BearerToken);

        var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "credentials");
        Assert.Empty(store.Stored);
    }

    [Fact]
    public async Task AnHmacSignedBodyWithoutTimestampIsAccepted()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, Hmac(withTimestamp: false));
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/grafana") { Content = Json(Body) };
        request.Headers.Add("X-Grafana-Alerting-Signature", Sign(""));

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task AnHmacSignedBodyWithACurrentTimestampIsAccepted()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, Hmac(withTimestamp: true));
        using var client = app.CreateClient();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/grafana") { Content = Json(Body) };
        request.Headers.Add("X-Grafana-Alerting-Signature", Sign(timestamp + ":"));
        request.Headers.Add("X-Grafana-Alerting-Timestamp", timestamp);

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("missing-signature", "X-Grafana-Alerting-Signature header is missing")]
    [InlineData("malformed", "header is malformed")]
    [InlineData("wrong-secret", "signature does not match the body")]
    [InlineData("missing-timestamp", "X-Grafana-Alerting-Timestamp header is missing")]
    [InlineData("old-timestamp", "more than 5 minutes from now")]
    [InlineData("timestamp-not-signed", "signature does not match the body")]
    public async Task BadHmacSignaturesAreRefusedWith401SayingWhy(string variant, string detail)
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, Hmac(withTimestamp: true));
        using var client = app.CreateClient();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var timestamp = (variant == "old-timestamp" ? now - 3600 : now).ToString(CultureInfo.InvariantCulture);
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/grafana") { Content = Json(Body) };
        var signature = variant switch
        {
            "malformed" => "not-hex",
            "wrong-secret" => Convert.ToHexStringLower(HMACSHA256.HashData("other"u8.ToArray(), Encoding.UTF8.GetBytes(timestamp + ":").Concat(Body).ToArray())),
            "timestamp-not-signed" => Sign(""),
            _ => Sign(timestamp + ":"),
        };
        if (variant != "missing-signature")
            request.Headers.Add("X-Grafana-Alerting-Signature", signature);
        if (variant != "missing-timestamp")
            request.Headers.Add("X-Grafana-Alerting-Timestamp", timestamp);

        var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, detail);
        Assert.DoesNotContain(Secret, await response.Content.ReadAsStringAsync());
        Assert.Empty(store.Stored);
    }
}
