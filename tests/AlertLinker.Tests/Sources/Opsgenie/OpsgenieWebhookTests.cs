using System.Net;
using System.Net.Http.Json;
using AlertLinker.Sources;
using AlertLinker.Tests.TestSupport;
using static AlertLinker.Tests.Sources.SourceTestApp;

namespace AlertLinker.Tests.Sources.Opsgenie;

public sealed class OpsgenieWebhookTests
{
    private static byte[] Fixture(string name) => SharedFixtures.ReadBytes("webhooks/opsgenie/" + name);

    [Fact]
    public async Task ACreateWithTheBearerTokenIsStored()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();

        var response = await client.SendAsync(AuthorizedRequest("opsgenie", Fixture("zulip-create.json")));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("another alert", Assert.Single(store.Stored).Alerts[0].Name);
    }

    [Fact]
    public async Task AConfiguredSharedSecretHeaderAuthenticates()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:Opsgenie:HeaderName"] = "X-AlertLinker-Key",
            ["AlertLinker:Sources:Opsgenie:HeaderValue"] = "s3cret-value",
        });
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/opsgenie") { Content = Json(Fixture("docs-sample-close.json")) };
        request.Headers.Add("X-AlertLinker-Key", "s3cret-value");

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("Authorization", "Bearer wrong")]
    [InlineData("X-AlertLinker-Key", "s3cret-valuf")]
    [InlineData("X-Other", "s3cret-value")]
    public async Task WrongOrMissingCredentialsAreRefusedWith401(string? header, string? value)
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:Opsgenie:HeaderName"] = "X-AlertLinker-Key",
            ["AlertLinker:Sources:Opsgenie:HeaderValue"] = "s3cret-value",
        });
        using var client = app.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/opsgenie") { Content = Json(Fixture("docs-sample-create.json")) };
        if (header is not null)
            request.Headers.TryAddWithoutValidation(header, value);

        var response = await client.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "credentials");
        Assert.DoesNotContain("s3cret-value", await response.Content.ReadAsStringAsync());
        Assert.Empty(store.Stored);
    }

    [Fact]
    public async Task ATagChangeIsAnswered200AndNothingIsStored()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();

        var response = await client.SendAsync(AuthorizedRequest("opsgenie", Fixture("docs-sample-addtags.json")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("AddTags", (await response.Content.ReadFromJsonAsync<WebhookIgnored>())!.Event);
        Assert.Equal(0, store.Calls);
    }

    [Fact]
    public async Task ARetriedAcknowledgeIsStoredOnce()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();

        foreach (var fixture in new[] { "docs-sample-create.json", "docs-sample-acknowledge.json", "docs-sample-acknowledge.json", "docs-sample-addnote.json", "docs-sample-close.json" })
            Assert.Equal(HttpStatusCode.Accepted, (await client.SendAsync(AuthorizedRequest("opsgenie", Fixture(fixture)))).StatusCode);

        Assert.Equal(["Create", "Acknowledge", "AddNote", "Close"], store.Stored.Select(n => n.Event));
    }
}
