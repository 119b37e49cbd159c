using System.Text.Json.Nodes;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>The captured Alertmanager 0.25 body made into alert groups of their own, for tests that send many.</summary>
internal static class GroupBodies
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    /// <summary>The group key the body of <paramref name="name"/> carries.</summary>
    public static string GroupKey(string name) => $"{{}}:{{alertname=\"{name}\"}}";

    /// <summary>
    /// Group <paramref name="name"/> (its own alertname, groupKey and fingerprints, seeded by <paramref name="seed"/>) with
    /// <paramref name="alerts"/> alerts, firing or resolved.
    /// </summary>
    public static byte[] Body(string name, int seed, bool resolved = false, int alerts = 1)
    {
        var body = JsonNode.Parse(SharedFixtures.Read(Capture))!.AsObject();
        var status = resolved ? "resolved" : "firing";
        body["status"] = status;
        body["groupKey"] = GroupKey(name);
        body["groupLabels"] = new JsonObject { ["alertname"] = name };
        body["commonLabels"]!["alertname"] = name;
        body["truncatedAlerts"] = 0;
        var list = body["alerts"]!.AsArray();
        var template = list[0]!.DeepClone();
        list.Clear();
        for (var a = 0; a < alerts; a++)
        {
            var alert = template.DeepClone().AsObject();
            alert["status"] = status;
            alert["labels"]!["alertname"] = name;
            if (alerts > 1)
                alert["labels"]!["instance"] = $"api-{a}.example.com:8080";
            alert["fingerprint"] = $"e2e{seed:x7}{a:x6}";
            if (resolved)
                alert["endsAt"] = "2026-11-23T18:30:00Z";
            list.Add(alert);
        }
        return System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
    }
}
