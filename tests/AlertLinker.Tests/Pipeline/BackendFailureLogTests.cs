using System.Net;
using System.Net.Http.Headers;
using AlertLinker.Tests.EndToEnd.Harness;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AlertLinker.Tests.Pipeline;

/// <summary>What the log says when a backend is down, at the default levels: one warning line with the reason, no stack trace.</summary>
public sealed class BackendFailureLogTests
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    [Fact]
    public async Task ABackendThatRefusesConnectionsIsOneWarningWithTheReasonAndNoStackTrace()
    {
        // Nothing listens there: every connection is refused.
        var closed = FreePort.Next();
        await using var app = new AlertLinkerApp(new Dictionary<string, string?>
        {
            ["AlertLinker:Backends:jaeger:Type"] = "Jaeger",
            ["AlertLinker:Backends:jaeger:ApiUrl"] = $"http://127.0.0.1:{closed}/",
        });
        using var client = app.CreateAuthorizedClient();
        using var content = new ByteArrayContent(SharedFixtures.ReadBytes(Capture));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var accepted = await client.PostAsync("/webhooks/alertmanager", content);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await Eventually.UntilAsync(() => app.Logs.Any(l => l.Contains("Slack dry run: would post", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the dry-run message");

        var records = app.Services.GetFakeLogCollector().GetSnapshot();
        var failed = Assert.Single(records, r => r.Id.Id == 3002);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("Backend jaeger search failed (connection refused); its section has links only", failed.Message);
        Assert.All(records.Where(r => r.Level >= LogLevel.Information), r => Assert.True(r.Exception is null,
            $"{r.Level} {r.Category}[{r.Id.Id}] carries an exception: {r.Message}\n{r.Exception}"));
        Assert.DoesNotContain(app.Logs, l => l.Contains("   at ", StringComparison.Ordinal));
    }
}
