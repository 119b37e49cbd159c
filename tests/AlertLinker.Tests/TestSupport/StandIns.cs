using System.Net;
using System.Text.Json;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.TestSupport;

/// <summary>WireMock.Net stand-ins for the APIs we cannot run here, answering with the real fixture bodies.</summary>
public static class StandIns
{
    public static WireMockServer Slack()
    {
        var server = WireMockServer.Start();
        server.Given(Request.Create().WithPath("/chat.postMessage").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK)
                .WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody(SharedFixtures.Read("webhooks/slack/api-spec-chat.postMessage-ok-response.json")));
        return server;
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

    /// <summary>The bodies of the Slack messages a stand-in received.</summary>
    public static IReadOnlyList<JsonElement> SlackMessages(WireMockServer slack) =>
        slack.LogEntries
            .Where(e => e.RequestMessage.Path.EndsWith("chat.postMessage", StringComparison.Ordinal))
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
