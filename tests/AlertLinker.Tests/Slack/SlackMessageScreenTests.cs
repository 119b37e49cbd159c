using System.Text.RegularExpressions;
using AlertLinker.Slack;
using Xunit.Abstractions;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

/// <summary>The main message fits one laptop screen; the rest is in its one thread reply; every link once.</summary>
public sealed class SlackMessageScreenTests(ITestOutputHelper output)
{
    private const int ScreenLines = 25;

    private readonly SlackMessageBuilder builder = new();

    [Fact]
    public void ASingleAlertWithThreeBackendsAndARunbookFitsInTwentyFiveVisibleLines()
    {
        var enriched = ThreeBackends();
        var message = builder.Build(enriched);
        // As Slack shows it: the attachment's blocks under the header (SlackLifecycle.Layout).
        var (top, attachments) = SlackLifecycle.Layout(message, enriched.Notification);
        var shown = top.Concat(attachments.SelectMany(a => a.Blocks)).ToList();
        output.WriteLine(SlackPreview.Render(message));

        var lines = SlackPreview.VisibleLines(shown);
        output.WriteLine($"{lines} visible lines");
        Assert.InRange(lines, 1, ScreenLines);
        SlackLimits.AssertWithin(message);
        SlackLimits.AssertWithin(message.Detail!);
    }

    [Fact]
    public void TheMainMessageSaysTheHeadlineOnceAndEachTraceAndSearchLinkOnce()
    {
        var message = builder.Build(ThreeBackends());
        var text = string.Join("\n", message.TextObjects().Select(t => t.Text));

        // The headline is the first finding of the analysed trace: the N+1, with its share (at least 80 %).
        Assert.Matches(@"🔁 \*30 × SELECT price FROM items WHERE id = \? [^\n]*— 750 ms, (8\d|9\d|100) % of the request", text);
        Assert.Single(Regex.Matches(text, "30 × SELECT price"));
        // The trace the three backends found: listed once, one link per backend.
        Assert.Single(Regex.Matches(text, "• 4bf92f35…"));
        foreach (var ui in new[] { "http://jaeger:16686", "http://grafana:3000/tempo", "http://zipkin:9411/zipkin" })
        {
            Assert.Single(Regex.Matches(text, Regex.Escape($"<{ui}/trace/{NPlusOneTraceId}|")));
            Assert.Single(Regex.Matches(text, Regex.Escape($"<{ui}/search?service=checkout&amp;start=1&amp;end=2&amp;minDuration=500ms|Slow traces>")));
        }
        // Three traces at the top, the fourth in the thread.
        Assert.Contains("…and 1 more trace in the thread", text);
        // One line of search links per backend.
        Assert.Single(text.Split('\n'), l => l.StartsWith("*tempo*: ", StringComparison.Ordinal));
        // The runbook's title and first step; the rest is in the thread.
        Assert.Contains("📖 *Latency* · step 1 of 4, all in the thread", text);
        Assert.DoesNotContain("2. Only those slower than 1 s", text);
    }

    [Fact]
    public void TheThreadReplyHasTheWaterfallEveryFindingAndAllRunbookStepsFlowedAsParagraphs()
    {
        var detail = Assert.IsType<SlackMessage>(builder.Build(ThreeBackends()).Detail);
        var text = string.Join("\n", detail.TextObjects().Select(t => t.Text));

        // Analysed once however many backends found it.
        Assert.Single(Regex.Matches(text, "🔎 Trace"));
        Assert.Contains("(jaeger, tempo, zipkin, 32 spans, 812 ms)", text);
        Assert.Contains("🔁 N+1: 30 × SELECT price FROM items WHERE id = ?", text);
        Assert.Contains("```\ncheckout", text);
        Assert.Contains("*2. Only those slower than 1 s:*", text);
        Assert.Contains("*3. The N+1 the slowest exemplar shows, in all traces:*", text);
        // Source line breaks inside a paragraph do not survive; blank lines and list items do.
        Assert.Contains("many identical short spans are an N+1; a gap between spans is time outside instrumented code. Window: 14:02–14:22 UTC, 20 min.", text);
        Assert.Contains("*1. The slowest traces of checkout:*\n• <http://jaeger:16686/search?service=checkout&amp;minDuration=0ms|jaeger>", text);
        Assert.Contains("`{ resource.service.name = \"checkout\" &amp;&amp; duration &gt; 1s }`", text);
        Assert.StartsWith("Details: 🔥 FIRING: HighLatency", detail.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void TheWindowReadsTheSameInTheFieldsAndTheNotes()
    {
        var nothing = new BackendSection("jaeger", "Jaeger", [], [], BackendOutcome.NothingFound,
            $"No traces found for checkout in {new AlertWindow(Start.AddMinutes(-15), Start.AddMinutes(5)).Text}; sampling or retention may have dropped them.");
        var message = builder.Build(Notification(Enriched(Alert(), [nothing])));

        var text = string.Join("\n", message.TextObjects().Select(t => t.Text));
        Assert.Equal(2, Regex.Matches(text, "14:02–14:22 UTC, 20 min").Count);
    }

    [Fact]
    public void WebhookModeKeepsTheCompactMessageAndHasNoThreadReply()
    {
        var message = builder.Build(ThreeBackends(), thread: false);

        Assert.Null(message.Detail);
        var text = string.Join("\n", message.TextObjects().Select(t => t.Text));
        Assert.DoesNotContain("thread", text);
        Assert.Contains("📖 *Latency* · step 1 of 4", text);
        Assert.InRange(SlackPreview.VisibleLines(message.Blocks), 1, ScreenLines);
    }

    [Fact]
    public void TheHeaderCountAndTheAlertsFieldAgreeWhenTheSourceLeftAlertsOut()
    {
        var message = builder.Build(Notification([Enriched(Alert(fingerprint: "a")), Enriched(Alert("HighLatency", AlertStatus.Resolved, "b"))], truncated: 3));

        Assert.Equal("🔥 FIRING (5): HighLatency", Assert.IsType<HeaderBlock>(message.Blocks[0]).Text.Text);
        Assert.Contains("*Alerts*\n1 firing, 1 resolved, 3 not sent", message.TextObjects().Select(t => t.Text));
    }

    [Fact]
    public void TheAlertsRunbookAndDashboardAnnotationsAndAPrefilledSilenceAreLinks()
    {
        var text = string.Join("\n", builder.Build(ThreeBackends()).TextObjects().Select(t => t.Text));

        Assert.Contains("<https://wiki.example.com/runbooks/high-latency|Runbook> · <https://grafana.example.com/d/checkout?var-service=checkout&amp;from=now-1h|Dashboard> · <http://prometheus:9090/", text);
        // Alertmanager's UI filter syntax, {name="value",…} URL-encoded, with the labels the group's alerts share.
        const string matchers = "%7Balertname%3D%22HighLatency%22%2Cservice%3D%22checkout%22%2Cseverity%3D%22critical%22%7D";
        Assert.Contains($"<http://alertmanager.example.com:9093/#/alerts?filter={matchers}|Alerts of this group>", text);
        Assert.Contains($"<http://alertmanager.example.com:9093/#/silences/new?filter={matchers}|Silence…>", text);
        Assert.DoesNotContain("Open in alertmanager", text);
    }

    [Fact]
    public void SilenceMatchersQuoteHostileLabelValues()
    {
        var enriched = Notification(Enriched(Alert()));
        var notification = enriched.Notification with
        {
            CommonLabels = new Dictionary<string, string> { ["alertname"] = "X", ["pod"] = "a\"b\\c}", ["bad-name"] = "y" },
        };

        var matchers = Uri.UnescapeDataString(SlackMessageBuilder.GroupMatchers(notification));

        Assert.Equal("{alertname=\"X\",pod=\"a\\\"b\\\\c}\"}", matchers);
    }

    [Fact]
    public void LinkAnnotationsThatAreNotHttpAreLeftOut()
    {
        var alert = Alert() with
        {
            Annotations = new Dictionary<string, string> { ["runbook_url"] = "javascript:alert(1)", ["dashboard_url"] = "/d/relative" },
        };

        var text = string.Join("\n", builder.Build(Notification(Enriched(alert))).TextObjects().Select(t => t.Text));

        Assert.DoesNotContain("javascript:", text);
        Assert.DoesNotContain("|Runbook>", text);
        Assert.DoesNotContain("|Dashboard>", text);
    }

    [Fact]
    public void AnOpsgenieAlertLinksToItsAlertPage()
    {
        var enriched = Notification(Enriched(Alert(fingerprint: "70413a06-38d6-4c85-92b8-5ebc900d42e2")));
        enriched = enriched with { Notification = enriched.Notification with { Source = "opsgenie", ExternalUrl = null } };

        var text = string.Join("\n", builder.Build(enriched).TextObjects().Select(t => t.Text));

        Assert.Contains("<https://app.opsgenie.com/alert/detail/70413a06-38d6-4c85-92b8-5ebc900d42e2/details|Opsgenie alert>", text);
    }

    private static Trace NPlusOne(string traceId, int queries)
    {
        var trace = new Analysis.TraceBuilder(traceId);
        var root = trace.Add(null, "checkout", "GET /checkout", 0, 30 + queries * 25);
        var stock = trace.Add(root, "inventory-service", "GET /stock", 5, 20 + queries * 25);
        for (var i = 0; i < queries; i++)
            trace.Add(stock, "inventory-service", "SELECT price FROM items WHERE id = ?", 10 + i * 25, 25,
                attributes: [("db.system", "postgresql"), ("db.statement", $"SELECT price FROM items WHERE id = {i}")]);
        return trace.Build();
    }

    private static EnrichedNotification Analysed(params Trace[] traces)
    {
        var analyses = traces.Select(t => new AnalyzedTrace(
            new TraceSummary(t.TraceId, "checkout", "GET /checkout", null, TimeSpan.FromMilliseconds(800), false, new Uri($"http://jaeger:16686/trace/{t.TraceId}")),
            AlertLinker.Analysis.TraceAnalyzer.Analyze(t))).ToList();
        var section = new BackendSection("jaeger", "Jaeger", [], analyses.Select(a => a.Exemplar).ToList(), BackendOutcome.Found, null) { Analyses = analyses };
        return Notification(Enriched(Alert(), [section]));
    }

    [Fact]
    public void SlowTracesThatBlameTheSameNPlusOneSayItOnceAndThatTheyAgree()
    {
        var message = builder.Build(Analysed(NPlusOne("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", 30), NPlusOne("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", 20)));
        var text = string.Join("\n", message.TextObjects().Select(t => t.Text));

        Assert.Single(Regex.Matches(text, "× SELECT price"));
        Assert.Contains("— the same in 2 of 2 traces", text, StringComparison.Ordinal);
    }

    [Fact]
    public void SlowTracesThatBlameDifferentCausesShowEachOnceWithItsCount()
    {
        var message = builder.Build(Analysed(NPlusOne("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", 30), Analysis.TraceBuilder.Seed("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2")));
        var text = string.Join("\n", message.TextObjects().Select(t => t.Text));

        Assert.Single(Regex.Matches(text, "× SELECT price"));
        Assert.Single(Regex.Matches(text, "SELECT stock"));
        Assert.Equal(2, Regex.Matches(text, "— in 1 of 2 traces").Count);
    }
}
