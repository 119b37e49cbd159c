using System.Net;
using System.Text.Json;
using AlertLinker.Tests.EndToEnd.Harness;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace AlertLinker.Tests.TestSupport;

/// <summary>WireMock.Net stand-ins for the APIs we cannot run here (Slack, Jaeger, Tempo…), answering with the real fixture bodies.</summary>
public static class StandIns
{
    /// <summary>
    /// Slack's Web API as far as we use it, answering like Slack with its documented example bodies: chat.postMessage
    /// hands out a new ts per message (in the channel asked for) and keeps the message with its metadata;
    /// chat.update answers ok for a ts it handed out in that channel and <c>message_not_found</c> otherwise;
    /// conversations.history lists the channel's top-level messages newest first (see <see cref="ServeSlack"/>).
    /// </summary>
    public static WireMockServer Slack(string pathPrefix = "")
    {
        var server = WireMockServer.Start();
        ServeSlack(server, pathPrefix);
        return server;
    }

    /// <summary>
    /// Makes <paramref name="server"/> a Slack workspace (as <see cref="Slack"/>), every answer after
    /// <paramref name="latency"/>. A post is in the workspace once it arrives, whether or not its caller lives to read
    /// the answer (as with Slack: a client killed mid-call does not take its message back).
    /// </summary>
    public static void ServeSlack(WireMockServer server, string pathPrefix = "", TimeSpan? latency = null)
    {
        var chat = new SlackChatStandIn();
        IResponseBuilder Answer(Func<WireMock.IRequestMessage, string> body)
        {
            var response = Response.Create().WithStatusCode(HttpStatusCode.OK)
                .WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody(body);
            return latency is { } delay ? response.WithDelay(delay) : response;
        }
        server.Given(Request.Create().WithPath(pathPrefix + "/chat.postMessage").UsingPost())
            .RespondWith(Answer(request => chat.Post(request.Body)));
        server.Given(Request.Create().WithPath(pathPrefix + "/chat.update").UsingPost())
            .RespondWith(Answer(request => chat.Update(request.Body)));
        server.Given(Request.Create().WithPath(pathPrefix + "/conversations.history").UsingAnyMethod())
            .RespondWith(Answer(request => chat.History(Arguments(request))));
    }

    /// <summary>A Web API call's arguments: the query string (GET) or the form body (POST), as Slack takes either.</summary>
    private static Dictionary<string, string> Arguments(WireMock.IRequestMessage request)
    {
        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Query ?? new Dictionary<string, WireMock.Types.WireMockList<string>>())
            arguments[key] = values.FirstOrDefault() ?? "";
        if (request.Body is { Length: > 0 } form && !form.TrimStart().StartsWith('{'))
            foreach (var pair in form.Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = pair.Split('=', 2);
                arguments[WebUtility.UrlDecode(parts[0])] = parts.Length > 1 ? WebUtility.UrlDecode(parts[1]) : "";
            }
        return arguments;
    }

    /// <summary>The messages, ts values and answers of a stand-in Slack workspace.</summary>
    private sealed class SlackChatStandIn
    {
        private sealed record Message(string Channel, string Ts, string? ThreadTs, string Text, System.Text.Json.Nodes.JsonNode? Metadata);

        private readonly List<Message> messages = [];
        private long last;

        public string Post(string? body)
        {
            var (named, text) = Read(body);
            var root = System.Text.Json.Nodes.JsonNode.Parse(body ?? "{}")!;
            var metadata = root["metadata"];
            // Slack refuses metadata without an event_type or with a payload that is not an object.
            if (metadata is not null && (metadata["event_type"]?.GetValueKind() != JsonValueKind.String
                                         || metadata["event_payload"]?.GetValueKind() != JsonValueKind.Object))
                return """{"ok":false,"error":"invalid_metadata_format"}""";
            // Slack posts to a channel named by ID or by name, and answers with the ID.
            var channel = IdOf(named);
            string ts;
            lock (messages)
            {
                // Unix time in microseconds, as Slack's ts, strictly increasing within the workspace.
                var now = (DateTimeOffset.UtcNow.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
                var n = last = Math.Max(now, last + 1);
                ts = $"{n / 1_000_000}.{n % 1_000_000:D6}";
                messages.Add(new Message(channel, ts, root["thread_ts"]?.GetValue<string>(), text, metadata?.DeepClone()));
            }
            var answer = System.Text.Json.Nodes.JsonNode.Parse(SharedFixtures.Read("webhooks/slack/api-spec-chat.postMessage-ok-response.json"))!;
            answer["channel"] = channel;
            answer["ts"] = ts;
            answer["message"]!["ts"] = ts;
            answer["message"]!["text"] = text;
            return answer.ToJsonString();
        }

        public string Update(string? body)
        {
            var (channel, text) = Read(body);
            // chat.update takes the channel ID only.
            if (IdOf(channel) != channel)
                return """{"ok":false,"error":"channel_not_found"}""";
            var ts = body is null ? "" : JsonDocument.Parse(body).RootElement.TryGetProperty("ts", out var t) ? t.GetString() ?? "" : "";
            bool known;
            lock (messages)
                known = messages.Any(m => m.Channel == channel && m.Ts == ts);
            if (!known)
                return """{"ok":false,"error":"message_not_found"}""";
            var answer = System.Text.Json.Nodes.JsonNode.Parse(SharedFixtures.Read("webhooks/slack/api-spec-chat.update-ok-response.json"))!;
            answer["channel"] = channel;
            answer["ts"] = ts;
            answer["text"] = text;
            answer["message"]!["text"] = text;
            return answer.ToJsonString();
        }

        /// <summary>
        /// conversations.history: the channel's (an ID: a name is channel_not_found) top-level messages newest first,
        /// after <c>oldest</c> and before <c>latest</c> (exclusive unless <c>inclusive</c>), <c>limit</c> per page
        /// (default 100, at most 999), the next page by <c>response_metadata.next_cursor</c>; each message's
        /// <c>metadata</c> only with <c>include_all_metadata=true</c>. Thread replies are not in a channel's history.
        /// </summary>
        public string History(IReadOnlyDictionary<string, string> arguments)
        {
            var channel = arguments.GetValueOrDefault("channel") ?? "";
            if (channel.Length == 0)
                return """{"ok":false,"error":"channel_not_found"}""";
            if (IdOf(channel) != channel)
                return """{"ok":false,"error":"channel_not_found"}""";
            var inclusive = Flag(arguments, "inclusive");
            var oldest = Number(arguments, "oldest") ?? 0m;
            var latest = Number(arguments, "latest") ?? decimal.MaxValue;
            var limit = Math.Clamp((int?)Number(arguments, "limit") ?? 100, 1, 999);
            var skip = int.TryParse(arguments.GetValueOrDefault("cursor"), out var from) ? from : 0;
            var withMetadata = Flag(arguments, "include_all_metadata");
            List<Message> found;
            lock (messages)
                found = messages
                    .Where(m => m.Channel == channel && m.ThreadTs is null)
                    .Where(m => Ts(m.Ts) is var at && (inclusive ? at >= oldest && at <= latest : at > oldest && at < latest))
                    .OrderByDescending(m => Ts(m.Ts))
                    .ToList();
            var page = found.Skip(skip).Take(limit).ToList();
            var more = skip + page.Count < found.Count;
            var answer = new System.Text.Json.Nodes.JsonObject
            {
                ["ok"] = true,
                ["messages"] = new System.Text.Json.Nodes.JsonArray(page.Select(m =>
                {
                    var message = new System.Text.Json.Nodes.JsonObject
                    {
                        ["type"] = "message", ["user"] = "U0AL3RTL1NK", ["bot_id"] = "B0AL3RTL1NK", ["text"] = m.Text, ["ts"] = m.Ts,
                    };
                    if (withMetadata && m.Metadata is not null)
                        message["metadata"] = m.Metadata.DeepClone();
                    return (System.Text.Json.Nodes.JsonNode)message;
                }).ToArray()),
                ["has_more"] = more,
                ["pin_count"] = 0,
                ["response_metadata"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["next_cursor"] = more ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
                },
            };
            return answer.ToJsonString();
        }

        private static bool Flag(IReadOnlyDictionary<string, string> arguments, string name) =>
            arguments.GetValueOrDefault(name) is "true" or "1";

        private static decimal? Number(IReadOnlyDictionary<string, string> arguments, string name) =>
            decimal.TryParse(arguments.GetValueOrDefault(name), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value)
                ? value
                : null;

        private static decimal Ts(string ts) => decimal.Parse(ts, System.Globalization.CultureInfo.InvariantCulture);

        /// <summary>A channel ID (C…, G…, D…) as is; a name (#alerts, alerts) as the stable ID this workspace gives it.</summary>
        public static string IdOf(string channel) =>
            System.Text.RegularExpressions.Regex.IsMatch(channel, "^[CGD][A-Z0-9]{2,}$")
                ? channel
                : "C0" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(channel.TrimStart('#'))))[..9];

        private static (string Channel, string Text) Read(string? body)
        {
            var root = JsonDocument.Parse(body ?? "{}").RootElement;
            return (root.TryGetProperty("channel", out var c) ? c.GetString() ?? "" : "",
                root.TryGetProperty("text", out var t) ? t.GetString() ?? "" : "");
        }
    }

    public static WireMockServer Jaeger()
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/api/v3/traces").UsingGet())
            .RespondWith(JsonBody("backends/jaeger/v3_FindTraces.json"));
        server.Given(Request.Create().WithPath("/api/v3/trace-summaries").UsingGet())
            .RespondWith(JsonBody("backends/jaeger/v3_FindTraceSummaries.json"));
        server.Given(Request.Create().WithPath("/api/traces").UsingGet())
            .RespondWith(JsonBody("backends/jaeger/v1_api_traces_response.json"));
        // The exemplar the searches above find, whole.
        server.Given(Request.Create().WithPath("/api/v3/traces/00000000000000000000000000000001").UsingGet())
            .RespondWith(JsonBody("backends/jaeger/v3_GetTrace.json"));
        return server;
    }

    public static WireMockServer Tempo()
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/api/search").UsingGet())
            .RespondWith(JsonBody("backends/tempo/search_traceql_response.docs.json"));
        // The search's trace 5b8efff798038103d269b633813fc700, whole (its docs example has the same id, in base64).
        server.Given(Request.Create().WithPath("/api/traces/5b8efff798038103d269b633813fc700").UsingGet())
            .RespondWith(JsonBody("backends/tempo/trace_by_id_v2_response.docs.json"));
        return server;
    }

    public static WireMockServer Prometheus()
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/api/v1/query_exemplars"))
            .RespondWith(JsonBody("backends/prometheus/query_exemplars_response.docs.json"));
        return server;
    }

    public static IResponseBuilder JsonBody(string fixture) =>
        Response.Create().WithStatusCode(HttpStatusCode.OK)
            .WithHeader("Content-Type", "application/json")
            .WithBody(SharedFixtures.Read(fixture));

    /// <summary>The bodies of the Slack messages (and state or note replies) a stand-in received; detail replies aside.</summary>
    public static IReadOnlyList<JsonElement> SlackMessages(WireMockServer slack) => SlackCalls(slack, "chat.postMessage");

    /// <summary>
    /// The bodies of the calls to one Web API method (chat.postMessage, chat.update) a stand-in received, in order,
    /// leaving out those of the messages' detail replies (<see cref="SlackDetailCalls"/>).
    /// </summary>
    public static IReadOnlyList<JsonElement> SlackCalls(WireMockServer slack, string method) =>
        AllSlackCalls(slack, method).Where(call => !IsDetail(call)).ToList();

    /// <summary>The calls that post or update a message's one detail reply (findings, waterfall, runbook steps) in its thread.</summary>
    public static IReadOnlyList<JsonElement> SlackDetailCalls(WireMockServer slack, string method) =>
        AllSlackCalls(slack, method).Where(IsDetail).ToList();

    private static bool IsDetail(JsonElement call) =>
        call.TryGetProperty("text", out var text) && text.GetString()?.StartsWith("Details: ", StringComparison.Ordinal) == true;

    private static IEnumerable<JsonElement> AllSlackCalls(WireMockServer slack, string method) =>
        slack.LogEntries
            .OrderBy(e => e.RequestMessage.DateTime)
            .Where(e => e.RequestMessage.Path.EndsWith(method, StringComparison.Ordinal))
            .Select(e => JsonDocument.Parse(e.RequestMessage.Body!).RootElement.Clone())
            .ToList();

    /// <summary>Every string in a Slack message (text, blocks, fields), with Slack's &amp;amp; decoded, for searching.</summary>
    public static string AllText(JsonElement message) =>
        string.Join("\n", Strings(message)).Replace("&amp;", "&", StringComparison.Ordinal);

    /// <summary>Every string value in a JSON document, depth first (Block Kit nests text deeply).</summary>
    public static IReadOnlyList<string> Strings(JsonElement element)
    {
        var parts = new List<string>();
        Collect(element, parts);
        return parts;
    }

    private static void Collect(JsonElement element, List<string> parts)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                parts.Add(element.GetString()!);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    Collect(property.Value, parts);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    Collect(item, parts);
                break;
        }
    }

    // The end-to-end tests' stand-ins: on 127.0.0.1 only, beside the real Prometheus, Alertmanager and PostgreSQL.

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
        ServeSlack(slack, "/api", latency);
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
        server.Given(Request.Create().WithPath(new WildcardMatcher(path)).UsingGet()).RespondWith(JsonBody(fixture));

    /// <summary>Every string in a JSON request body (Block Kit nests text deeply); a non-JSON body as one decoded string.</summary>
    public static IReadOnlyList<string> StringsOf(string? body)
    {
        var strings = new List<string>();
        if (string.IsNullOrEmpty(body))
            return strings;
        try
        {
            using var document = JsonDocument.Parse(body);
            strings.AddRange(Strings(document.RootElement));
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
