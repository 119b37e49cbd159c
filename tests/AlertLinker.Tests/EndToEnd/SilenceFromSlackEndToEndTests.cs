using AlertLinker.Tests.TestSupport;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AlertLinker.Actions;
using AlertLinker.Tests.Actions;
using AlertLinker.Tests.EndToEnd.Harness;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// Acting from Slack with the real binaries: a Prometheus rule fires, the real Alertmanager notifies the service, the
/// Slack message carries the silence buttons, a signed block_actions click for "4 h" arrives, and the real
/// Alertmanager then holds an active silence with the alert's labels as matchers, the clicking user as createdBy and
/// an end 4 h away; Slack's thread says who silenced it, a replayed click makes no second silence, a "24 h" click
/// while silenced extends the same silence, and Unsilence expires it.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class SilenceFromSlackEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Overall = TimeSpan.FromSeconds(90);
    private const string SilenceFourHours = ActionButtons.SilencePrefix + "240";

    [EndToEndFact]
    public async Task ASignedClickOnARealAlertsMessageMakesAnActiveSilenceInTheRealAlertmanager()
    {
        EndToEndBinaries.Require();
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(Overall);
        var ct = deadline.Token;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var storage = new TempDirectory("e2e-actions-storage");
        using var slack = StandIns.StartLoopback();
        StandIns.SlackAnswersOk(slack);
        slack.Given(Request.Create().WithPath(new WildcardMatcher("/actions/*")).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK).WithBody("ok"));

        var bearer = "e2e-" + Guid.NewGuid().ToString("N");
        await using var target = await OpenMetricsTarget.StartAsync("checkout", ct);
        await using var stack = PrometheusStack.Create(target);
        await using var service = await AlertLinkerProcess.StartAsync("alertlinker", ServiceSettings.Of(ServiceSettings.AlertmanagerToSlack(bearer, slack, SlackClicks.Channel), new Dictionary<string, string>
        {
            ["Storage:Path"] = storage.File("alertlinker.db"),
            ["Sources:Alertmanager:ApiUrl"] = stack.AlertmanagerUrl.AbsoluteUri,
            ["Slack:SigningSecret"] = SlackClicks.Secret,
            ["Actions:ResponseUrlPrefix"] = StandIns.BaseUrl(slack).AbsoluteUri,
        }), ct);
        await stack.StartAsync(service.AlertmanagerWebhook, bearer, ct);

        string Diagnostics() => string.Join('\n', $"elapsed {clock.Elapsed.TotalSeconds:0.0} s", stack.Describe(), service.Describe(), StandIns.Describe("slack", slack));

        // The message, with the silence buttons.
        var posted = await BoundedWait.GetAsync(
            $"a Slack chat.postMessage about {PrometheusStack.AlertName} with the silence buttons",
            Overall - clock.Elapsed,
            _ => Task.FromResult(StandIns.SlackPosts(slack)
                .Select(e => e.RequestMessage.Body)
                .FirstOrDefault(b => b?.Contains(PrometheusStack.AlertName, StringComparison.Ordinal) == true && b.Contains(SilenceFourHours, StringComparison.Ordinal))),
            Diagnostics, ct);
        var message = JsonNode.Parse(posted)!.AsObject();
        var button = Buttons(message).Single(b => b["action_id"]!.GetValue<string>() == SilenceFourHours);
        var groupId = button["value"]!.GetValue<string>();
        Assert.Equal(
            ["🔕 Silence 1 h", "🔕 Silence 4 h", "🔕 Silence 24 h"],
            Buttons(message).Select(b => b["text"]!["text"]!.GetValue<string>()).ToArray());
        var labels = await AlertLabelsAsync(http, stack.AlertmanagerUrl, ct);
        output.WriteLine($"message after {clock.Elapsed.TotalSeconds:0.0} s; alert labels {string.Join(", ", labels)}");

        // The click, as Slack sends it: the message as posted (Slack's ts from the stand-in), signed now.
        var slackMessage = new JsonObject
        {
            ["type"] = "message",
            ["ts"] = SlackClicks.MessageTs,
            ["text"] = message["text"]!.DeepClone(),
            ["blocks"] = message["blocks"]?.DeepClone() ?? new JsonArray(),
            ["attachments"] = message["attachments"]?.DeepClone() ?? new JsonArray(),
        };
        var responseUrl = new Uri(StandIns.BaseUrl(slack), "actions/T1DC2JH3J/1234567890/e2e-response-token");
        var body = SlackClicks.Body(SlackClicks.Payload(SilenceFourHours, groupId, responseUrl, slackMessage));
        var clickedAt = DateTimeOffset.UtcNow;
        var endpoint = new Uri(service.BaseUrl, "slack/interactions");
        var sinceClick = Stopwatch.StartNew();
        using (var click = SlackClicks.Signed(endpoint, body, clickedAt))
        using (var answer = await http.SendAsync(click, ct))
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        output.WriteLine($"Slack's 200 after {sinceClick.Elapsed.TotalMilliseconds:0} ms");

        // The real Alertmanager now holds the silence.
        var active = await BoundedWait.GetAsync(
            "an active silence in Alertmanager created from Slack",
            Overall - clock.Elapsed,
            async token => (await SilencesAsync(http, stack.AlertmanagerUrl, token)).Where(s => s.GetProperty("status").GetProperty("state").GetString() == "active").ToList() is { Count: > 0 } found ? found : null,
            Diagnostics, ct);
        var silence = Assert.Single(active);
        output.WriteLine($"silence in Alertmanager {sinceClick.Elapsed.TotalMilliseconds:0} ms after the click: {silence}");
        var matchers = silence.GetProperty("matchers").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetString()!);
        Assert.Equal(labels.OrderBy(l => l.Key), matchers.OrderBy(m => m.Key));
        Assert.All(silence.GetProperty("matchers").EnumerateArray(), m => Assert.False(m.GetProperty("isRegex").GetBoolean()));
        Assert.Equal($"{SlackClicks.UserName} (slack:{SlackClicks.UserId})", silence.GetProperty("createdBy").GetString());
        var endsAt = silence.GetProperty("endsAt").GetDateTimeOffset();
        Assert.InRange(endsAt, clickedAt.AddHours(4).AddMinutes(-1), clickedAt.AddHours(4).AddMinutes(1));

        // Slack says who silenced it, in the message's thread, and the message offers Unsilence.
        var reply = await BoundedWait.GetAsync(
            "the thread reply naming who silenced",
            Overall - clock.Elapsed,
            _ => Task.FromResult(StandIns.SlackPosts(slack).Select(e => JsonNode.Parse(e.RequestMessage.Body!)!)
                .FirstOrDefault(b => b["text"]?.GetValue<string>().StartsWith("🔕 Silenced for 4 h by <@U2CERLKJA>", StringComparison.Ordinal) == true)),
            Diagnostics, ct);
        var replyJson = reply;
        Assert.Equal(SlackClicks.MessageTs, replyJson["thread_ts"]!.GetValue<string>());
        Assert.Contains($"silence {silence.GetProperty("id").GetString()![..8]}…", replyJson["text"]!.GetValue<string>());
        await BoundedWait.GetAsync(
            "a chat.update showing the Unsilence button",
            Overall - clock.Elapsed,
            _ => Task.FromResult(slack.LogEntries.Where(e => e.RequestMessage.Path.EndsWith("chat.update", StringComparison.Ordinal))
                .Select(e => e.RequestMessage.Body).FirstOrDefault(b => b?.Contains(ActionButtons.Unsilence, StringComparison.Ordinal) == true)),
            Diagnostics, ct);

        // The same delivery again (a replay within the 5 minutes, or Slack's retry): no second silence.
        using (var replay = SlackClicks.Signed(endpoint, body, clickedAt, retryNum: 1))
        using (var answer = await http.SendAsync(replay, ct))
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        Assert.Single(await SilencesAsync(http, stack.AlertmanagerUrl, ct));

        // Another click, "24 h", while silenced (a message not re-rendered yet): the one silence now lasts 24 h.
        var longer = SlackClicks.Body(SlackClicks.Payload(ActionButtons.SilencePrefix + "1440", groupId, responseUrl, slackMessage, actionTs: "1548426417.999999"));
        var longerAt = DateTimeOffset.UtcNow;
        using (var click = SlackClicks.Signed(endpoint, longer, longerAt))
        using (var answer = await http.SendAsync(click, ct))
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var extended = await BoundedWait.GetAsync(
            "the silence lasting 24 h",
            Overall - clock.Elapsed,
            async token => (await SilencesAsync(http, stack.AlertmanagerUrl, token))
                .Where(s => s.GetProperty("status").GetProperty("state").GetString() == "active" && s.GetProperty("endsAt").GetDateTimeOffset() > longerAt.AddHours(23))
                .ToList() is { Count: > 0 } found ? found : null,
            Diagnostics, ct);
        Assert.InRange(Assert.Single(extended).GetProperty("endsAt").GetDateTimeOffset(), longerAt.AddHours(24).AddMinutes(-1), longerAt.AddHours(24).AddMinutes(1));
        Assert.Single(await SilencesAsync(http, stack.AlertmanagerUrl, ct), s => s.GetProperty("status").GetProperty("state").GetString() == "active");

        // Unsilence expires it in the real Alertmanager.
        var unsilence = SlackClicks.Body(SlackClicks.Payload(ActionButtons.Unsilence, groupId, responseUrl, slackMessage, actionTs: "1548426418.000001"));
        using (var click = SlackClicks.Signed(endpoint, unsilence, DateTimeOffset.UtcNow))
        using (var answer = await http.SendAsync(click, ct))
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        await BoundedWait.GetAsync(
            "the silence expired by Unsilence",
            Overall - clock.Elapsed,
            async token => (await SilencesAsync(http, stack.AlertmanagerUrl, token)).All(s => s.GetProperty("status").GetProperty("state").GetString() == "expired") ? "expired" : null,
            Diagnostics, ct);
        output.WriteLine($"passed after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static IEnumerable<JsonNode> Buttons(JsonObject message) =>
        (message["attachments"]?.AsArray() ?? []).SelectMany(a => a!["blocks"]!.AsArray())
            .Concat(message["blocks"]?.AsArray() ?? [])
            .Where(b => b!["type"]!.GetValue<string>() == "actions")
            .SelectMany(b => b!["elements"]!.AsArray())
            .OfType<JsonNode>();

    private static async Task<IReadOnlyDictionary<string, string>> AlertLabelsAsync(HttpClient http, Uri alertmanager, CancellationToken cancellationToken)
    {
        var filter = Uri.EscapeDataString($"alertname=\"{PrometheusStack.AlertName}\"");
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(alertmanager, "api/v2/alerts?filter=" + filter), cancellationToken));
        var alert = document.RootElement.EnumerateArray().First();
        return alert.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    private static async Task<IReadOnlyList<JsonElement>> SilencesAsync(HttpClient http, Uri alertmanager, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri(alertmanager, "api/v2/silences"), cancellationToken));
        return document.RootElement.EnumerateArray().Select(s => s.Clone()).ToList();
    }
}
