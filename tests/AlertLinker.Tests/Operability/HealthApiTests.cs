using System.Net;
using System.Text.Json;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AlertLinker.Tests.Operability;

public sealed class HealthApiTests
{
    [Fact]
    public async Task ReadinessAnswersJsonWithEachCheckItsStatusAndReason()
    {
        await using var app = new AlertLinkerApp();
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", response.Headers.CacheControl?.ToString());
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("healthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Contains("store", checks.Keys);
        Assert.Contains("runbooks", checks.Keys);
        Assert.All(checks.Values, c => Assert.Equal("healthy", c.GetProperty("status").GetString()));
        Assert.All(checks.Values, c => Assert.True(c.TryGetProperty("reason", out _)));
    }

    [Fact]
    public async Task AnUnhealthyCheckMakesReadiness503AndSaysWhichCheckAndWhy()
    {
        await using var app = new AlertLinkerApp(configureServices: services => services.AddHealthChecks()
            .AddCheck("disk", () => HealthCheckResult.Unhealthy("the data volume is full"), tags: ["ready"]));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unhealthy", body.RootElement.GetProperty("status").GetString());
        var disk = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "disk");
        Assert.Equal("unhealthy", disk.GetProperty("status").GetString());
        Assert.Equal("the data volume is full", disk.GetProperty("reason").GetString());
        var store = body.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "store");
        Assert.Equal("healthy", store.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ADegradedCheckKeepsTheServiceReady()
    {
        await using var app = new AlertLinkerApp(configureServices: services => services.AddHealthChecks()
            .AddCheck("slow-disk", () => HealthCheckResult.Degraded("fsync takes 800 ms"), tags: ["ready"]));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("degraded", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task LivenessRunsNoChecksSoAFailingDependencyDoesNotRestartThePod()
    {
        await using var app = new AlertLinkerApp(configureServices: services => services.AddHealthChecks()
            .AddCheck("disk", () => HealthCheckResult.Unhealthy("the data volume is full"), tags: ["ready"]));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }
}
