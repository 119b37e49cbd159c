using System.Net;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.TestSupport;

/// <summary>WireMock.Net stand-ins for the APIs we cannot run here, answering with the real fixture bodies.</summary>
public static class StandIns
{
    /// <summary>
    /// Slack's Web API as far as we use it, answering like Slack with its documented example bodies: chat.postMessage
    /// hands out a new ts per message (in the channel asked for); chat.update answers ok for a ts it handed out in
    /// that channel and <c>message_not_found</c> otherwise.
    /// </summary>
    public static WireMockServer Slack(string pathPrefix = "")
    {
        var server = WireMockServer.Start();
        var chat = new SlackChatStandIn();
        server.Given(Request.Create().WithPath(pathPrefix + "/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK)
                .WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody(request => chat.Post(request.Body)));
        server.Given(Request.Create().WithPath(pathPrefix + "/chat.update").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK)
                .WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody(request => chat.Update(request.Body)));
        return server;
    }

    /// <summary>The ts values and answers of a stand-in Slack workspace.</summary>
    private sealed class SlackChatStandIn
    {
        private readonly HashSet<(string Channel, string Ts)> messages = [];
        private long next = 1503435956_000247;

        public string Post(string? body)
        {
            var (named, text) = Read(body);
            // Slack posts to a channel named by ID or by name, and answers with the ID.
            var channel = IdOf(named);
            string ts;
            lock (messages)
            {
                var n = next++;
                ts = $"{n / 1_000_000}.{n % 1_000_000:D6}";
                messages.Add((channel, ts));
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
                known = messages.Contains((channel, ts));
            if (!known)
                return """{"ok":false,"error":"message_not_found"}""";
            var answer = System.Text.Json.Nodes.JsonNode.Parse(SharedFixtures.Read("webhooks/slack/api-spec-chat.update-ok-response.json"))!;
            answer["channel"] = channel;
            answer["ts"] = ts;
            answer["text"] = text;
            answer["message"]!["text"] = text;
            return answer.ToJsonString();
        }

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
}
