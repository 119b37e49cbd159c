using System.Net;
using AlertLinker.Tests.TestSupport;
using static AlertLinker.Tests.Sources.SourceTestApp;

namespace AlertLinker.Tests.Sources;

/// <summary>Development is convenient, not lax: a source without credentials is open there, a configured one is enforced.</summary>
public sealed class SourceRegistrationTests
{
    private static AlertLinkerApp Development(RecordingAlertStore store, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>(), StringComparer.OrdinalIgnoreCase)
        {
            // The test app's own environment is Testing; this setting comes after it.
            ["environment"] = "Development",
        };
        return Create(store, all);
    }

    private static HttpRequestMessage AlertmanagerPost(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager")
        {
            Content = Json(SharedFixtures.ReadBytes("webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json")),
        };
        if (token is not null)
            request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    [Fact]
    public async Task InDevelopmentAConfiguredBearerTokenIsEnforcedAndAWrongOneGets401()
    {
        var store = new RecordingAlertStore();
        await using var app = Development(store);
        using var client = app.CreateClient();

        var wrong = await client.SendAsync(AlertmanagerPost("wrong-token"));
        var none = await client.SendAsync(AlertmanagerPost(null));
        var right = await client.SendAsync(AlertmanagerPost(AlertLinkerApp.BearerToken));

        await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "credentials");
        await AssertProblemAsync(none, HttpStatusCode.Unauthorized, "credentials");
        Assert.Equal(HttpStatusCode.Accepted, right.StatusCode);
        Assert.Single(store.Stored);
        Assert.Contains(app.Logs, l => l.Contains("The alertmanager webhook enforces its configured credentials", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InDevelopmentASourceWithoutCredentialsIsOpenAndStartUpWarnsAboutIt()
    {
        var store = new RecordingAlertStore();
        await using var app = Development(store, new Dictionary<string, string?>
        {
            ["AlertLinker:Sources:Alertmanager:BearerToken"] = null,
            ["AlertLinker:Sources:Grafana:BearerToken"] = null,
        });
        using var client = app.CreateClient();

        var response = await client.SendAsync(AlertmanagerPost(null));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains(app.Logs, l => l.StartsWith("Warning", StringComparison.Ordinal)
            && l.Contains("The alertmanager webhook accepts unauthenticated calls", StringComparison.Ordinal));
        Assert.Contains(app.Logs, l => l.StartsWith("Warning", StringComparison.Ordinal)
            && l.Contains("The grafana webhook accepts unauthenticated calls", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OutsideDevelopmentASourceWithoutCredentialsRefusesEveryCall()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, new Dictionary<string, string?> { ["AlertLinker:Sources:Alertmanager:BearerToken"] = null });
        using var client = app.CreateClient();

        var response = await client.SendAsync(AlertmanagerPost(null));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "credentials");
        Assert.Contains(app.Logs, l => l.Contains("The alertmanager webhook has no credentials configured", StringComparison.Ordinal));
        Assert.Empty(store.Stored);
    }

    [Fact]
    public async Task AllowAnonymousNeverOpensASourceWhoseCredentialsAreConfigured()
    {
        var store = new RecordingAlertStore();
        await using var app = Create(store, new Dictionary<string, string?> { ["AlertLinker:Sources:Alertmanager:AllowAnonymous"] = "true" });
        using var client = app.CreateClient();

        var response = await client.SendAsync(AlertmanagerPost("wrong-token"));

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "credentials");
        Assert.DoesNotContain(app.Logs, l => l.Contains("The alertmanager webhook accepts unauthenticated calls", StringComparison.Ordinal));
    }
}
