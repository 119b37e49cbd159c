using System.Net;
using System.Net.Http.Headers;
using AlertLinker.Tests.EndToEnd.Harness;

namespace AlertLinker.Tests.TestSupport;

/// <summary>
/// The service in-process with one Jaeger backend that refuses every connection (nothing listens on its port): one
/// real Alertmanager capture accepted and delivered in dry run, for what the log and the traces say about it.
/// </summary>
internal static class RefusingBackendRun
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    public static async Task<AlertLinkerApp> DeliverOneAlertAsync(IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["AlertLinker:Backends:jaeger:Type"] = "Jaeger",
            ["AlertLinker:Backends:jaeger:ApiUrl"] = $"http://127.0.0.1:{FreePort.Next()}/",
        };
        var app = new AlertLinkerApp(all);
        using var client = app.CreateAuthorizedClient();
        using var content = new ByteArrayContent(SharedFixtures.ReadBytes(Capture));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var accepted = await client.PostAsync("/webhooks/alertmanager", content);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        await Eventually.UntilAsync(() => app.Logs.Any(l => l.Contains("Slack dry run: would post", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30), "the dry-run message");
        return app;
    }
}
