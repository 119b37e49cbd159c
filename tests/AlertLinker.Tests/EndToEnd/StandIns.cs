using System.Net;
using System.Text.Json;
using AlertLinker.Tests.EndToEnd.Harness;
using AlertLinker.Tests.TestSupport;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>WireMock stand-ins for the parts that are SaaS or not installed here (Slack, Jaeger), serving the real fixture bodies.</summary>
internal static class StandIns
{
    public const string SlackOk = "webhooks/slack/api-spec-chat.postMessage-ok-response.json";

    /// <summary>A WireMock server on the loopback interface only (WireMock binds "localhost": 127.0.0.1 and ::1, never a public address).</summary>
    public static WireMockServer StartLoopback() =>
        WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreePort.Next()}"],
            StartAdminInterface = false,
            MaxRequestLogCount = 1000,
        });

    /// <summary>The stand-in's base URL on 127.0.0.1 (WireMock reports "localhost", which also resolves to ::1).</summary>
    public static Uri BaseUrl(WireMockServer server) => new($"http://127.0.0.1:{server.Port}/");

    public static Uri SlackApiUrl(WireMockServer slack) => new(BaseUrl(slack), "api/");

    /// <summary>Slack Web API answering every chat.* call with the real chat.postMessage ok example, after <paramref name="latency"/>.</summary>
    public static void SlackAnswersOk(WireMockServer slack, TimeSpan? latency = null)
    {
        slack.ResetMappings();
        var response = Response.Create()
            .WithStatusCode(HttpStatusCode.OK)
            .WithHeader("Content-Type", "application/json; charset=utf-8")
            .WithBody(SharedFixtures.Read(SlackOk));
        slack.Given(Request.Create().WithPath(new WildcardMatcher("/api/chat.*")).UsingPost())
            .RespondWith(latency is { } delay ? response.WithDelay(delay) : response);
    }

    /// <summary>
    /// Slack as a workspace that keeps what it is sent (the test support stand-in): a ts per post, chat.update of
    /// known messages, conversations.history with message metadata; every answer after <paramref name="latency"/>.
    /// </summary>
    public static void SlackWorkspace(WireMockServer slack, TimeSpan? latency = null)
    {
        slack.ResetMappings();
        TestSupport.StandIns.ServeSlack(slack, "/api", latency);
    }

    /// <summary>The channel's top-level messages as Slack's own history lists them (every page), with their metadata.</summary>
    public static async Task<IReadOnlyList<JsonElement>> SlackHistoryAsync(WireMockServer slack, string channel, CancellationToken ct)
    {
        using var http = new HttpClient();
        var messages = new List<JsonElement>();
        string cursor = "";
        do
        {
            var url = new Uri(SlackApiUrl(slack), $"conversations.history?channel={channel}&limit=999&include_all_metadata=true&cursor={cursor}");
            using var document = JsonDocument.Parse(await http.GetStringAsync(url, ct));
            var root = document.RootElement;
            Assert.True(root.GetProperty("ok").GetBoolean(), root.GetRawText());
            messages.AddRange(root.GetProperty("messages").EnumerateArray().Select(m => m.Clone()));
            cursor = root.GetProperty("response_metadata").GetProperty("next_cursor").GetString() ?? "";
        }
        while (cursor.Length > 0);
        return messages;
    }

    /// <summary>Slack down: every call answers 503, so nothing can be delivered.</summary>
    public static void SlackIsDown(WireMockServer slack)
    {
        slack.ResetMappings();
        slack.Given(Request.Create().WithPath(new WildcardMatcher("/api/*")).UsingAnyMethod())
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.ServiceUnavailable).WithBody("upstream unavailable"));
    }

    /// <summary>The status a stand-in answered (WireMock keeps it as int or HttpStatusCode).</summary>
    public static int StatusOf(ILogEntry entry) => Convert.ToInt32(entry.ResponseMessage.StatusCode, System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyList<ILogEntry> SlackPosts(WireMockServer slack) =>
        slack.LogEntries.Where(e => e.RequestMessage.Path.EndsWith("chat.postMessage", StringComparison.Ordinal)).ToList();

    /// <summary>Jaeger query service: api_v3 and v1 endpoints answering with the recorded Jaeger fixtures.</summary>
    public static void ServeJaegerFixtures(WireMockServer jaeger)
    {
        Serve(jaeger, "/api/v3/traces", "backends/jaeger/v3_FindTraces.json");
        Serve(jaeger, "/api/v3/traces/*", "backends/jaeger/v3_GetTrace.json");
        Serve(jaeger, "/api/v3/trace-summaries", "backends/jaeger/v3_FindTraceSummaries.json");
        Serve(jaeger, "/api/v3/services", "backends/jaeger/v3_GetServices.json");
        Serve(jaeger, "/api/v3/operations", "backends/jaeger/v3_GetOperations.json");
        Serve(jaeger, "/api/traces", "backends/jaeger/v1_api_traces_response.json");
        Serve(jaeger, "/api/traces/*", "backends/jaeger/v1_api_traces_response.json");
        Serve(jaeger, "/api/services", "backends/jaeger/v1_api_services_response.grafana_mock.json");
        Serve(jaeger, "/api/operations", "backends/jaeger/v1_api_operations_response.json");
    }

    private static void Serve(WireMockServer server, string path, string fixture) =>
        server.Given(Request.Create().WithPath(new WildcardMatcher(path)).UsingGet())
            .RespondWith(Response.Create()
                .WithStatusCode(HttpStatusCode.OK)
                .WithHeader("Content-Type", "application/json")
                .WithBody(SharedFixtures.Read(fixture)));

    /// <summary>Every string in a JSON request body (Block Kit nests text deeply); a non-JSON body as one decoded string.</summary>
    public static IReadOnlyList<string> StringsOf(string? body)
    {
        var strings = new List<string>();
        if (string.IsNullOrEmpty(body))
            return strings;
        try
        {
            using var document = JsonDocument.Parse(body);
            strings.AddRange(TestSupport.StandIns.Strings(document.RootElement));
        }
        catch (JsonException)
        {
            strings.Add(WebUtility.UrlDecode(body));
        }
        return strings;
    }

    public static string Describe(string name, WireMockServer server) =>
        $"--- {name} stand-in received {server.LogEntries.Count()} request(s):\n"
        + string.Join('\n', server.LogEntries.Select(e =>
            $"{e.RequestMessage.Method} {e.RequestMessage.Url} -> {StatusOf(e)}"
            + (e.RequestMessage.Body is { Length: > 0 } b ? "\n  body: " + (b.Length > 4000 ? b[..4000] + "…" : b) : "")));
}
