using AlertLinker.Tests.TestSupport;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using AlertLinker.Tests.EndToEnd.Harness;
using Microsoft.AspNetCore.WebUtilities;
using WireMock.Logging;
using Xunit.Abstractions;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// The foundation path with the real binaries: a Prometheus rule on a histogram with exemplars fires, the real
/// Alertmanager calls the service, and Slack receives the Jaeger search link for the alert's service and window
/// plus the exemplar trace ids Prometheus holds, each linked to the Jaeger trace view.
/// </summary>
[Collection(EndToEndCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class AlertToSlackEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Overall = TimeSpan.FromSeconds(90);
    private const string Service = "checkout";
    private const string JaegerUi = "http://jaeger-ui.e2e.example:16686/";

    [EndToEndFact]
    public async Task FiringRuleReachesSlackWithJaegerLinkAndPrometheusExemplars()
    {
        EndToEndBinaries.Require();
        var clock = Stopwatch.StartNew();
        using var deadline = new CancellationTokenSource(Overall);
        var ct = deadline.Token;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        using var storage = new TempDirectory("e2e-storage");
        using var slack = StandIns.StartLoopback();
        using var jaeger = StandIns.StartLoopback();
        StandIns.SlackAnswersOk(slack);
        StandIns.ServeJaegerFixtures(jaeger);

        var bearer = "e2e-" + Guid.NewGuid().ToString("N");
        await using var target = await OpenMetricsTarget.StartAsync(Service, ct);
        await using var stack = PrometheusStack.Create(target);
        await using var service = await AlertLinkerProcess.StartAsync("alertlinker", ServiceSettings.Of(ServiceSettings.AlertmanagerToSlack(bearer, slack, "C0E2ETEST"), new Dictionary<string, string>
        {
            ["Storage:Path"] = storage.File("alertlinker.db"),
            ["Backends:jaeger:Type"] = "Jaeger",
            ["Backends:jaeger:ApiUrl"] = StandIns.BaseUrl(jaeger).AbsoluteUri,
            ["Backends:jaeger:UiUrl"] = JaegerUi,
            ["Backends:exemplars:Type"] = "PrometheusExemplars",
            ["Backends:exemplars:ApiUrl"] = stack.PrometheusUrl.AbsoluteUri,
            ["Backends:exemplars:TraceBackend"] = "jaeger",
        }), ct);
        await stack.StartAsync(service.AlertmanagerWebhook, bearer, ct);
        output.WriteLine($"stack ready after {clock.Elapsed.TotalSeconds:0.0} s");

        string Diagnostics() => string.Join('\n',
            $"elapsed {clock.Elapsed.TotalSeconds:0.0} s, {target.Scrapes} scrapes",
            stack.Describe(), service.Describe(), StandIns.Describe("slack", slack), StandIns.Describe("jaeger", jaeger));

        var message = await BoundedWait.GetAsync<ILogEntry>(
            $"a Slack chat.postMessage about {PrometheusStack.AlertName}",
            Overall - clock.Elapsed,
            _ => Task.FromResult(StandIns.SlackPosts(slack)
                .FirstOrDefault(e => e.RequestMessage.Body?.Contains(PrometheusStack.AlertName, StringComparison.Ordinal) == true)),
            Diagnostics, ct);
        output.WriteLine($"Slack message after {clock.Elapsed.TotalSeconds:0.0} s");

        var startsAt = await stack.FindAlertStartAsync(http, ct)
            ?? throw new Xunit.Sdk.XunitException("Alertmanager no longer holds the alert.\n" + Diagnostics());
        var strings = StandIns.StringsOf(message.RequestMessage.Body);
        var body = message.RequestMessage.Body!;

        // The Jaeger search link: this service, a window (µs) around the alert's start.
        var search = Links(strings).FirstOrDefault(u => u.AbsoluteUri.StartsWith(JaegerUi + "search?", StringComparison.Ordinal));
        Assert.True(search is not null, $"No Jaeger search link ({JaegerUi}search?…) in the Slack message:\n{body}\n{Diagnostics()}");
        var query = QueryHelpers.ParseQuery(search.Query);
        Assert.Equal(Service, query["service"].ToString());
        var start = long.Parse(query["start"].ToString(), CultureInfo.InvariantCulture);
        var end = long.Parse(query["end"].ToString(), CultureInfo.InvariantCulture);
        var startsAtMicros = startsAt.ToUnixTimeMilliseconds() * 1000;
        Assert.True(start <= startsAtMicros && startsAtMicros <= end,
            $"Jaeger window {start}…{end} µs does not cover the alert's startsAt {startsAt:O} ({startsAtMicros} µs): {search}");

        // The exemplar trace ids: those the message shows must be ones Prometheus returned for the rule's PromQL.
        var prometheusIds = await stack.QueryExemplarTraceIdsAsync(http, startsAt.AddMinutes(-30), DateTimeOffset.UtcNow.AddMinutes(1), ct);
        var served = target.ServedTraceIds;
        var shown = strings.SelectMany(s => TraceId().Matches(s).Select(m => m.Value.ToLowerInvariant()))
            .Where(served.Contains)
            .ToHashSet();
        Assert.True(shown.Count > 0,
            $"The Slack message shows none of the {prometheusIds.Count} exemplar trace ids Prometheus returned ({string.Join(", ", prometheusIds.Take(6))}…):\n{body}\n{Diagnostics()}");
        Assert.True(shown.IsSubsetOf(prometheusIds),
            $"The message shows trace ids Prometheus did not return: {string.Join(", ", shown.Except(prometheusIds))}");
        var traceLinks = Links(strings).Select(u => u.AbsoluteUri).ToList();
        foreach (var id in shown)
        {
            Assert.True(traceLinks.Any(l => l.StartsWith(JaegerUi + "trace/" + id, StringComparison.OrdinalIgnoreCase)),
                $"Exemplar {id} is not linked to the Jaeger trace view ({JaegerUi}trace/{id}):\n{body}");
        }

        output.WriteLine($"passed after {clock.Elapsed.TotalSeconds:0.0} s; exemplars shown: {string.Join(", ", shown)}");
    }

    /// <summary>Every http(s) URL in the message texts: mrkdwn links (<c>&lt;url|label&gt;</c>, with &amp;amp;) and button urls.</summary>
    private static IEnumerable<Uri> Links(IEnumerable<string> strings) =>
        strings.SelectMany(s => Url().Matches(s).Select(m => m.Value))
            .Select(u => u.Replace("&amp;", "&", StringComparison.Ordinal))
            .Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri : null)
            .OfType<Uri>();

    [GeneratedRegex(@"https?://[^\s<>|""]+")]
    private static partial Regex Url();

    [GeneratedRegex("(?<![0-9a-fA-F])[0-9a-fA-F]{32}(?![0-9a-fA-F])")]
    private static partial Regex TraceId();
}
