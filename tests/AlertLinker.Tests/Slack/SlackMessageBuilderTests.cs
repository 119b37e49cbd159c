using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AlertLinker.Backends;
using AlertLinker.Runbooks;
using AlertLinker.Slack;
using Xunit.Abstractions;
using static AlertLinker.Tests.Slack.SlackTestData;

namespace AlertLinker.Tests.Slack;

public sealed partial class SlackMessageBuilderTests(ITestOutputHelper output)
{
    private readonly SlackMessageBuilder builder = new();

    [Fact]
    public void AnAnalysedTraceShowsTheCulpritAndTheWaterfallWithHostileSpanNamesEscaped()
    {
        var trace = new Analysis.TraceBuilder();
        var root = trace.Add(null, "checkout-service", "GET /checkout", 0, 800);
        trace.Add(root, "inventory-service", "SELECT <!channel> ```", 5, 790);
        var exemplar = new TraceSummary("4bf92f3577b34da6a3ce929d0e0e4736", "checkout-service", "GET /checkout", null,
            TimeSpan.FromMilliseconds(800), false, new Uri("http://jaeger:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736"));
        var section = Jaeger() with
        {
            Analyses = [new AnalyzedTrace(exemplar, AlertLinker.Analysis.TraceAnalyzer.Analyze(trace.Build()))],
        };

        var message = builder.Build(Notification(Enriched(Alert(), [section])));
        // The message says where the time went; its thread reply has the trace's findings and waterfall.
        var detail = Assert.IsType<SlackMessage>(message.Detail);
        var text = AllText(detail);

        Assert.Contains("⏱ *SELECT &lt;!channel&gt; ``` (inventory-service) — ", AllText(message));
        Assert.Contains("*🔎 Trace <http://jaeger:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736|4bf92f35…>* (jaeger, 2 spans, 800 ms)", text);
        Assert.Contains("⏱ here: SELECT &lt;!channel&gt;", text);
        Assert.Contains("```\ncheckout-service", text);
        Assert.DoesNotContain("<!channel>", text + AllText(message));
        AssertWithinLimits(message);
        AssertWithinLimits(detail);
    }

    [Fact]
    public void HeaderCarriesStatusEmojiStatusAndAlertName()
    {
        var message = builder.Build(Notification(Enriched(Alert())));

        var header = Assert.IsType<HeaderBlock>(message.Blocks[0]);
        Assert.Equal("plain_text", header.Text.Type);
        Assert.Equal("🔥 FIRING: HighLatency", header.Text.Text);
    }

    [Fact]
    public void ResolvedGroupGetsTheResolvedHeader()
    {
        var message = builder.Build(Notification(Enriched(Alert(status: AlertStatus.Resolved))));

        Assert.Equal("✅ RESOLVED: HighLatency", Assert.IsType<HeaderBlock>(message.Blocks[0]).Text.Text);
    }

    [Fact]
    public void ResolvedAlertInAFiringGroupIsMarkedAndComesLast()
    {
        var message = builder.Build(Notification(
            Enriched(Alert("DiskFull", AlertStatus.Resolved, "fp1")), Enriched(Alert("DiskFull", fingerprint: "fp2"))));

        var titles = message.TextObjects().Where(t => t.Text.StartsWith('*') && t.Text.Contains("DiskFull", StringComparison.Ordinal))
            .Select(t => t.Text.Split('\n')[0]).ToList();
        Assert.Equal(["*DiskFull*", "*✅ DiskFull* (resolved)"], titles);
        Assert.Equal("🔥 FIRING (2): DiskFull", Assert.IsType<HeaderBlock>(message.Blocks[0]).Text.Text);
        Assert.Contains("*Alerts*\n1 firing, 1 resolved", message.TextObjects().Select(t => t.Text));
    }

    [Fact]
    public void FieldsShowServiceSeverityAndTheWindowInUtc()
    {
        var message = builder.Build(Notification(Enriched(Alert())));

        var fields = Assert.IsType<SectionBlock>(message.Blocks[1]).Fields!.Select(f => f.Text).ToList();
        Assert.Contains("*Service*\ncheckout", fields);
        Assert.Contains("*Severity*\ncritical", fields);
        Assert.Contains("*Window*\n14:02–14:22 UTC, 20 min", fields);
    }

    [Fact]
    public void WindowAcrossMidnightNamesBothDays()
    {
        var window = new AlertWindow(
            new DateTimeOffset(2026, 11, 23, 23, 50, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 24, 1, 10, 0, TimeSpan.FromHours(1))).Text;

        Assert.Equal("Nov 23 23:50 – Nov 24 00:10 UTC, 20 min", window);
    }

    [Fact]
    public void EachBackendGetsItsLinksOnOneLine()
    {
        var text = AllText(builder.Build(Notification(Enriched(Alert()))));

        Assert.Contains("*jaeger*: <http://jaeger:16686/search?service=checkout&amp;start=1&amp;end=2&amp;minDuration=500ms|Slow traces> · <http://jaeger:16686/search?service=checkout&amp;tags=%7B%22error%22%3A%22true%22%7D|Errors>", text);
    }

    [Fact]
    public void ExemplarShowsAShortIdLinkedToTheFullTraceWithDurationOperationAndError()
    {
        var text = AllText(builder.Build(Notification(Enriched(Alert()))));

        Assert.Contains("• <http://jaeger:16686/trace/4bf92f3577b34da6a3ce929d0e0e4736|4bf92f35…> · 812 ms · checkout: GET /checkout", text);
        Assert.Contains("• <http://jaeger:16686/trace/00f067aa0ba902b7a3ce929d0e0e4736|00f067aa…> · 2.4 s · checkout: POST /checkout/pay · ❗ error", text);
    }

    [Fact]
    public void ExemplarWithoutLinkShowsTheFullIdAsCode()
    {
        var backend = new BackendSection("prom", "PrometheusExemplars", [],
            [new TraceSummary("4bf92f3577b34da6a3ce929d0e0e4736", null, null, null, null, false, null)], BackendOutcome.Found, null);

        var text = AllText(builder.Build(Notification(Enriched(Alert(), [backend]))));

        Assert.Contains("• `4bf92f3577b34da6a3ce929d0e0e4736`", text);
    }

    [Fact]
    public void BackendTroubleBecomesANoteNotAMissingMessage()
    {
        var nothing = new BackendSection("jaeger", "Jaeger", [], [], BackendOutcome.NothingFound,
            "no traces found for checkout in window 14:02–14:22; sampling or retention may have dropped them");

        var text = AllText(builder.Build(Notification(Enriched(Alert(), [nothing, TempoTimedOut()]))));

        Assert.Contains("ℹ️ jaeger: no traces found for checkout in window 14:02–14:22; sampling or retention may have dropped them", text);
        Assert.Contains("⚠️ tempo: timed out", text);
    }

    [Fact]
    public void EveryBackendKeepsItsLinkEvenWhenLinksAreLong()
    {
        var longUrl = "http://grafana:3000/explore?schemaVersion=1&panes=" + new string('p', 1500);
        var backends = Enumerable.Range(0, 4).Select(i => new BackendSection($"backend{i}", "Tempo",
            [new BackendLink("Slow traces", new Uri(longUrl + i)), new BackendLink("Errors", new Uri(longUrl + i + "e"))],
            [new TraceSummary(new string('a', 32), "checkout", "GET /", null, TimeSpan.FromSeconds(1), false, new Uri("http://jaeger/trace/a"))],
            BackendOutcome.Found, null)).ToList();

        var message = builder.Build(Notification(Enriched(Alert(), backends)));

        AssertWithinLimits(message);
        var text = AllText(message);
        Assert.All(Enumerable.Range(0, 4), i => Assert.Contains($"*backend{i}*: <{longUrl.Replace("&", "&amp;", StringComparison.Ordinal)}{i}|Slow traces>", text));
    }

    [Fact]
    public void AlertsSharingBackendResultsShowThemOnce()
    {
        var shared = new[] { Jaeger() };
        var message = builder.Build(Notification(
            Enriched(Alert(fingerprint: "fp1"), shared), Enriched(Alert(fingerprint: "fp2"), shared)));

        var text = AllText(message);
        Assert.Single(Regex.Matches(text, "4bf92f35…"));
        Assert.Contains("↑ Same trace links and exemplars as the alert above", text);
    }

    [Fact]
    public void RunbookMrkdwnIsKeptAsWrittenUnderItsTitle()
    {
        var text = AllText(builder.Build(Notification(Enriched(Alert()))));

        Assert.Contains("📖 *Database saturation*\nFilter traces for `db.system = postgresql`, slowest first: <http://jaeger:16686/search?service=checkout&amp;tags=db|Jaeger search>", text);
    }

    [Fact]
    public void RunbookThatFailedToRenderShowsItsError()
    {
        var failed = new RenderedRunbook("db", "Database saturation", "", Error: "template.sbn(3,5): loop limit reached");

        var text = AllText(builder.Build(Notification(Enriched(Alert(), runbooks: [failed]))));

        Assert.Contains("⚠️ Runbook Database saturation (db) could not be rendered: template.sbn(3,5): loop limit reached", text);
    }

    [Fact]
    public void LongRunbookIsCutAndTheCutReported()
    {
        var runbook = Runbook(string.Concat(Enumerable.Repeat("• step [search](http://jaeger:16686/search?a=1&b=2)\n", 400)));

        var message = builder.Build(Notification(Enriched(Alert(), runbooks: [runbook]))).Detail!;

        var sections = message.TextObjects().Where(t => t.Text.Contains("step <http", StringComparison.Ordinal)).ToList();
        Assert.InRange(sections.Count, 1, 3);
        Assert.StartsWith("📖", sections[0].Text, StringComparison.Ordinal);
        Assert.All(sections, section =>
        {
            Assert.True(section.Text.Length <= SlackText.MaxTextLength);
            Assert.Equal(section.Text.Count(c => c == '<'), section.Text.Count(c => c == '>'));
        });
        Assert.EndsWith("…", sections[^1].Text, StringComparison.Ordinal);
        Assert.Contains("runbook db-saturation", message.Cuts);
        AssertWithinLimits(message);
    }

    [Fact]
    public void ARunbookLongerThanOneSectionIsShownWholeInSeveral()
    {
        // Three searches with long Grafana links: about 4 500 characters, more than one section holds.
        var link = "[Tempo: slowest](http://grafana:3000/explore?panes=" + new string('x', 1400) + ")";
        var text = $"1. Slowest postgres queries: {link}\n2. Errors: {link}\n3. TraceQL:\n```\n{{ span.db.system = \"postgresql\" }}\n```\n4. Last: {link}";
        var message = builder.Build(Notification(Enriched(Alert(), runbooks: [Runbook(text)]))).Detail!;

        var sections = message.TextObjects().Where(t => t.Text.Contains("Tempo: slowest", StringComparison.Ordinal)).ToList();
        Assert.True(sections.Count >= 2, $"expected the runbook in several sections, got {sections.Count}");
        Assert.All(sections, section => Assert.True(section.Text.Length <= SlackText.MaxTextLength));
        var joined = string.Join("\n", message.TextObjects().Select(t => t.Text));
        Assert.Contains("4. Last: <http://grafana:3000/explore?panes=", joined);
        Assert.DoesNotContain(message.Cuts, cut => cut.StartsWith("runbook", StringComparison.Ordinal));
        AssertWithinLimits(message);
    }

    [Fact]
    public void ARunbookOfVeryLongLinesIsCappedAtThreeSectionsAndTheCutReported()
    {
        // Two 1 600-character lines do not share a section: six of them would take six.
        var line = "• [Tempo](http://grafana:3000/explore?panes=" + new string('x', 1560) + ")";
        var message = builder.Build(Notification(Enriched(Alert(), runbooks: [Runbook(string.Join("\n", Enumerable.Repeat(line, 6)))]))).Detail!;

        var sections = message.TextObjects().Where(t => t.Text.Contains("|Tempo>", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, sections.Count);
        Assert.EndsWith("…", sections[^1].Text, StringComparison.Ordinal);
        Assert.Contains("runbook db-saturation", message.Cuts);
        AssertWithinLimits(message);
    }

    [Fact]
    public void ACodeBlockSplitBetweenSectionsIsClosedAndReopened()
    {
        var lines = Enumerable.Range(0, 30).Select(i => $"{{ span.n = {i} }} " + new string('q', 40));
        var mrkdwn = "Queries:\n```\n" + string.Join("\n", lines) + "\n```\ndone";

        var sections = SlackMessageBuilder.SplitAtLines(mrkdwn, 600);

        Assert.True(sections.Count >= 3);
        Assert.All(sections, section =>
        {
            Assert.True(section.Length <= 600, $"section of {section.Length} characters");
            Assert.Equal(0, Regex.Count(section, "```") % 2);
        });
        // Nothing lost or reordered: the lines are the same once the added fences are set aside.
        static IEnumerable<string> Content(string text) => text.Split('\n').Where(line => line != "```");
        Assert.Equal(Content(mrkdwn), sections.SelectMany(Content));
    }

    [Fact]
    public void SourceLinksComeFromTheAlertAndItsGeneratorUrl()
    {
        var alert = Alert() with { Links = [new AlertLink("Silence", new Uri("http://alertmanager:9093/#/silences/new?filter=%7Balertname%3D%22x%22%7D"))] };

        var text = AllText(builder.Build(Notification(Enriched(alert))));

        Assert.Contains("<http://prometheus:9090/graph?g0.expr=histogram_quantile%280.99%29&amp;g0.tab=1|Source> · <http://alertmanager:9093/#/silences/new?filter=%7Balertname%3D%22x%22%7D|Silence>", text);
    }

    [Fact]
    public void NonHttpSourceLinksAreLeftOut()
    {
        var alert = Alert() with { GeneratorUrl = "javascript:alert(1)", Links = [new AlertLink("Runbook", new Uri("file:///etc/passwd"))] };

        var text = AllText(builder.Build(Notification(Enriched(alert))));

        Assert.DoesNotContain("javascript:", text);
        Assert.DoesNotContain("file:", text);
    }

    [Fact]
    public void FallbackTextNamesStatusAlertServiceAndSummary()
    {
        var message = builder.Build(Notification(Enriched(Alert())));

        Assert.Equal("🔥 FIRING: HighLatency — checkout — p99 latency above 500ms", message.Text);
    }

    [Fact]
    public void MrkdwnTextObjectsAreVerbatimAndNoneIsEmpty()
    {
        var message = builder.Build(Notification(Enriched(Alert()), Enriched(Alert("ErrorRate", fingerprint: "fp2"))));

        Assert.All(message.TextObjects(), t =>
        {
            Assert.False(string.IsNullOrWhiteSpace(t.Text));
            if (t.Type == "mrkdwn")
                Assert.True(t.Verbatim);
        });
    }

    [Fact]
    public void HostileTextCaptureComesOutHarmless()
    {
        var message = builder.Build(Hostile());
        output.WriteLine(SlackPreview.Render(message));

        var texts = message.TextObjects().Select(t => t.Text).Append(message.Text).ToList();
        Assert.NotEmpty(texts);
        foreach (var text in texts)
        {
            Assert.DoesNotContain("<!channel>", text);
            Assert.DoesNotContain("<!here>", text);
            Assert.DoesNotContain("<@U", text);
            Assert.DoesNotContain("|click here>", text);
            Assert.DoesNotContain("<https://evil.example.com", text);
            // Every remaining <…> is a link we built from a configured or parsed http(s) URL.
            foreach (Match token in AngleToken().Matches(text))
                Assert.Matches(@"^<https?://(?!evil\.)[^|<>]+\|[^<>]*>$", token.Value);
        }
        // The text is still there for the reader, escaped.
        Assert.Contains(texts, t => t.Contains("Primary &lt;!channel&gt; down &amp; &lt;https://evil.example.com|click here&gt;", StringComparison.Ordinal));
    }

    [Fact]
    public void HostileTextSerializesWithoutControlSequences()
    {
        var json = SlackJson.Serialize(builder.Build(Hostile()).Blocks);

        Assert.DoesNotContain("<!channel>", json);
        Assert.DoesNotContain("<@U012AB3CD>", json);
        Assert.DoesNotContain("\"parse\"", json);
        Assert.DoesNotContain("link_names", json);
    }

    [Fact]
    public void BlocksSerializeAsBlockKitJson()
    {
        var json = JsonNode.Parse(SlackJson.Serialize(builder.Build(Notification(Enriched(Alert()))).Blocks))!.AsArray();

        Assert.Equal("header", (string?)json[0]!["type"]);
        Assert.Equal("plain_text", (string?)json[0]!["text"]!["type"]);
        Assert.Equal("section", (string?)json[1]!["type"]);
        Assert.Equal("mrkdwn", (string?)json[1]!["fields"]![0]!["type"]);
        Assert.True((bool?)json[1]!["fields"]![0]!["verbatim"]);
        Assert.Null(json[1]!["text"]);
    }

    [Fact]
    public void HugeGroupStaysWithinEverySlackLimit()
    {
        var huge = new string('x', 20_000);
        var alerts = Enumerable.Range(0, 300).Select(i =>
        {
            var labels = Enumerable.Range(0, 1000).ToDictionary(l => $"label_{l}", l => $"value-{i}-{l}-{huge[..20]}");
            labels["alertname"] = $"Alert{i}";
            var alert = Alert($"Alert{i}", fingerprint: $"fp{i}") with
            {
                Labels = labels,
                Annotations = new Dictionary<string, string> { ["summary"] = huge, ["description"] = huge },
            };
            var exemplars = Enumerable.Range(0, 20).Select(e => new TraceSummary(new string('a', 32), huge, huge, null, TimeSpan.FromSeconds(e), true,
                new Uri("http://jaeger:16686/trace/" + new string('a', 32)))).ToList();
            var backend = new BackendSection(huge, "Jaeger", [new BackendLink(huge, new Uri("http://jaeger:16686/search?q=" + new string('q', 2000)))],
                exemplars, BackendOutcome.Found, huge);
            return Enriched(alert, [backend, backend, TempoTimedOut()], [Runbook(huge), Runbook(huge), Runbook(huge)]);
        }).ToList();

        var message = builder.Build(Notification(alerts, truncated: 5));
        output.WriteLine($"{message.Blocks.Count} blocks, {message.TextObjects().Sum(t => t.Text.Length)} chars; cuts: {string.Join("; ", message.Cuts.Distinct())}");

        AssertWithinLimits(message);
        var more = message.TextObjects().Single(t => t.Text.StartsWith("…and ", StringComparison.Ordinal)).Text;
        Assert.Matches(@"^…and \d+ more alerts; 5 more not sent by alertmanager \(max_alerts\)$", more);
        Assert.Contains(message.Cuts, c => c.EndsWith("alerts left out", StringComparison.Ordinal));
        // The first alert in full, then a list of the next ones.
        Assert.Contains(message.TextObjects(), t => t.Text.StartsWith("*Alert0*", StringComparison.Ordinal));
        Assert.True(message.TextObjects().Sum(t => t.Text.Split('\n').Count(l => l.StartsWith("• Alert", StringComparison.Ordinal))) >= 10);
        Assert.Equal("🔥 FIRING (305): Alert0 +299 more", Assert.IsType<HeaderBlock>(message.Blocks[0]).Text.Text);
    }

    [Fact]
    public void ManySmallAlertsAreAllListedWhenTheyFit()
    {
        var alerts = Enumerable.Range(0, 40).Select(i => Enriched(Alert("Disk", fingerprint: $"fp{i}") with
        {
            Labels = new Dictionary<string, string> { ["alertname"] = "Disk", ["instance"] = $"node-{i}" },
        })).ToList();

        var message = builder.Build(Notification(alerts, truncated: 0));

        AssertWithinLimits(message);
        var text = AllText(message);
        Assert.Contains("instance=node-39", text);
        Assert.DoesNotContain("…and ", text);
    }

    [Fact]
    public void SingleHugeAlertKeepsItsDetail()
    {
        var huge = new string('y', 20_000);
        var alert = Alert() with { Annotations = new Dictionary<string, string> { ["summary"] = huge, ["description"] = huge } };

        var message = builder.Build(Notification(Enriched(alert, runbooks: [Runbook(huge)])));

        AssertWithinLimits(message);
        var text = AllText(message);
        Assert.Contains("4bf92f35…", text);
        Assert.Contains("📖 *Database saturation*", text);
        Assert.Contains("summary", message.Cuts);
    }

    /// <summary>
    /// The README's "What the Slack message looks like" block is this rendering, so it cannot drift. When the message
    /// changes on purpose, regenerate it: <c>ALERTLINKER_UPDATE_README=1 dotnet test --filter TheReadmeSampleMessage</c>.
    /// </summary>
    [Fact]
    public void TheReadmeSampleMessageIsTheRealRenderingOfTheThreeBackendFixture()
    {
        var message = builder.Build(ThreeBackends());
        var rendered = SlackPreview.Render(message);
        output.WriteLine(rendered);

        var readme = Path.Combine(RepositoryRoot(), "README.md");
        var text = File.ReadAllText(readme);
        const string opening = "Rendered from a real alert (link targets in `[…]`):\n\n```\n";
        var start = text.IndexOf(opening, StringComparison.Ordinal) + opening.Length;
        Assert.True(start >= opening.Length, "README.md has no sample message block");
        var end = text.IndexOf("\n```", start, StringComparison.Ordinal);
        var current = text[start..end];
        if (current != rendered && Environment.GetEnvironmentVariable("ALERTLINKER_UPDATE_README") == "1")
        {
            File.WriteAllText(readme, text[..start] + rendered + text[end..]);
            current = rendered;
        }
        Assert.True(current == rendered,
            "README.md's sample message differs from the rendering; regenerate with ALERTLINKER_UPDATE_README=1. New text:\n" + rendered);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AlertLinker.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("AlertLinker.sln not found above " + AppContext.BaseDirectory);
    }

    private static void AssertWithinLimits(SlackMessage message) => SlackLimits.AssertWithin(message);

    private static string AllText(SlackMessage message) => string.Join("\n", message.TextObjects().Select(t => t.Text));

    [GeneratedRegex("<[^<>]*>")]
    private static partial Regex AngleToken();
}
