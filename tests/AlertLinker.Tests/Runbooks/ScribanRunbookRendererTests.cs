using AlertLinker.Runbooks;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Runbooks;

public class ScribanRunbookRendererTests
{
    [Fact]
    public void OnlyRunbooksWhoseMatchersFitAreRenderedInTheirOrder()
    {
        using var folder = new RunbookFolder(
            ("by-name.sbn", RunbookFolder.Runbook("name", order: 20, matches: "alertname=~\"(?i).*postgres.*\"")),
            ("by-severity.sbn", RunbookFolder.Runbook("severity", order: 10, matches: "severity=\"critical\"")),
            ("by-service.sbn", RunbookFolder.Runbook("service", order: 30, matches: "service=\"inventory-service\"")),
            ("by-label.sbn", RunbookFolder.Runbook("label", order: 40, matches: "team=\"db\"")),
            ("other.sbn", RunbookFolder.Runbook("other", matches: "severity=\"warning\"")));
        var renderer = RunbookTestData.Renderer(folder.Load());
        var labels = new Dictionary<string, string> { ["alertname"] = "PostgresPoolSaturated", ["severity"] = "critical", ["team"] = "db" };

        var rendered = renderer.Render(RunbookTestData.Alert(labels: labels), []);

        Assert.Equal(["severity", "name", "service", "label"], rendered.Select(r => r.Text));
        Assert.All(rendered, r => Assert.Null(r.Error));
    }

    [Fact]
    public void AnyOfSeveralMatchLinesSelectsTheRunbook()
    {
        using var folder = new RunbookFolder(("either.sbn", RunbookFolder.Runbook("hit", matches: ["alertname=\"Nope\"", "runbook=\"db\""])));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = renderer.Render(RunbookTestData.Alert(labels: new Dictionary<string, string> { ["runbook"] = "db" }), []);

        Assert.Equal("hit", Assert.Single(rendered).Text);
    }

    [Fact]
    public void NoMatchingRunbookRendersNothing()
    {
        using var folder = new RunbookFolder(("db.sbn", RunbookFolder.Runbook("db", matches: "alertname=~\".*Postgres.*\"")));
        var renderer = RunbookTestData.Renderer(folder.Load());

        Assert.Empty(renderer.Render(RunbookTestData.Alert(name: "HighLatency", labels: new Dictionary<string, string>()), []));
    }

    [Fact]
    public void AlertnameMatchesTheAlertNameAndServiceTheResolvedService()
    {
        using var folder = new RunbookFolder(("r.sbn", RunbookFolder.Runbook("hit", matches: "{alertname=\"Incident 42\", service=\"checkout\"}")));
        var renderer = RunbookTestData.Renderer(folder.Load());

        // PagerDuty-like alert: no alertname label, service from an alias.
        var rendered = renderer.Render(RunbookTestData.Alert(name: "Incident 42", service: "checkout", labels: new Dictionary<string, string> { ["service"] = "co" }), []);

        Assert.Single(rendered);
    }

    [Fact]
    public void ARunbookThatRendersOnlyWhitespaceIsLeftOut()
    {
        using var folder = new RunbookFolder(("quiet.sbn", RunbookFolder.Runbook("{{ if severity == \"page\" }}paged{{ end }}\n  \n")));
        var renderer = RunbookTestData.Renderer(folder.Load());

        Assert.Empty(renderer.Render(RunbookTestData.Alert(), []));
    }

    [Fact]
    public void TheModelCarriesAlertServiceWindowAndBackends()
    {
        const string body = """
            {{ alert.name }}|{{ alert.status }}|{{ alert.starts_at }}|{{ alert.ends_at ?? "open" }}|{{ alert.fingerprint }}
            {{ alert.labels.severity }}|{{ labels.severity }}|{{ annotations.summary }}|{{ alert.annotations.summary }}
            {{ service }}|{{ operation }}|{{ expression }}
            {{ window.start }}|{{ window.end }}|{{ window.start_s }}|{{ window.end_ms }}|{{ window.start_us }}|{{ window.minutes }}
            {{ for b in backends }}{{ b.name }}|{{ b.type }}|{{ b.outcome }}|{{ b.note ?? "-" }}|{{ b.links[0].title }}|{{ b.links[0].query }}|{{ b.exemplars[0].trace_id }}|{{ b.exemplars[0].duration_ms }}|{{ b.exemplars[0].root_service }}|{{ b.exemplars[0].root_operation }}|{{ b.exemplars[0].error }}|{{ b.exemplars[0].url }}{{ end }}
            """;
        using var folder = new RunbookFolder(("model.sbn", RunbookFolder.Runbook(body)));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(operation: "GET /stock"), [RunbookTestData.Section()]));

        Assert.Null(rendered.Error);
        Assert.Equal(
            """
            PostgresConnectionPoolSaturated|firing|2026-11-23T18:15:00Z|open|fe0fe2f5df26dea5
            critical|critical|pool at 100%|pool at 100%
            inventory-service|GET /stock|pg_up == 0
            2026-11-23T18:00:00Z|2026-11-23T18:20:00Z|1795456800|1795458000000|1795456800000000|20
            jaeger-prod|Jaeger|found|-|Slow traces|minDuration=500ms|4bf92f3577b34da6a3ce929d0e0e4736|800.5|checkout-service|POST /checkout|true|https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736
            """,
            rendered.Text);
        Assert.Equal("Test", rendered.Title);
        Assert.Equal("model", rendered.Name);
    }

    [Fact]
    public void HostileAlertTextComesOutEscapedAndOnlyHelperLinksAreRaw()
    {
        var hostile = "Primary <!channel> down & <https://evil.example.com|click here> <@U012AB3CD> @here";
        var labels = new Dictionary<string, string> { ["alertname"] = "X", ["owner"] = "<!here>" };
        var annotations = new Dictionary<string, string> { ["summary"] = hostile };
        const string body = """
            {{ annotations.summary }}
            {{ labels.owner | string.upcase }}
            {{ "<!channel>" + labels.owner }}
            {{ alert.labels }}
            {{ slack_link "https://wiki.example.com/db?a=1&b=2" annotations.summary }}
            {{ slack_link "javascript:alert(1)" "<!channel>" }}
            {{ escape annotations.summary }}
            [Team wiki](https://wiki.example.com/runbooks)
            """;
        using var folder = new RunbookFolder(("hostile.sbn", RunbookFolder.Runbook(body)));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var text = Assert.Single(renderer.Render(RunbookTestData.Alert(labels: labels, annotations: annotations), [])).Slack();

        var escaped = "Primary &lt;!channel&gt; down &amp; &lt;https://evil.example.com|click here&gt; &lt;@U012AB3CD&gt; @here";
        // Inside a link label a '|' would end Slack's label: the one link builder shows it as '¦'.
        Assert.Equal(
            $"""
            {escaped}
            &lt;!HERE&gt;
            &lt;!channel&gt;&lt;!here&gt;
            {"{"}alertname: "X", owner: "&lt;!here&gt;"{"}"}
            <https://wiki.example.com/db?a=1&amp;b=2|{escaped.Replace("|", "¦", StringComparison.Ordinal)}>
            &lt;!channel&gt;
            {escaped}
            <https://wiki.example.com/runbooks|Team wiki>
            """,
            text);
        Assert.DoesNotContain("<!", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<@", text, StringComparison.Ordinal);
        Assert.DoesNotContain("<https://evil", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AnInfiniteLoopIsStoppedByTheLoopLimitAndReported()
    {
        using var folder = new RunbookFolder(("loop.sbn", RunbookFolder.Runbook("before\n{{ while true }}x{{ end }}")));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), []));

        Assert.Equal("", rendered.Text);
        Assert.NotNull(rendered.Error);
        Assert.Matches(@"^Runbook 'Test' could not be rendered: loop\.sbn:7:4: .*iteration limit `1000`", rendered.Error);
    }

    [Fact]
    public void DeepRecursionIsStoppedByTheRecursionLimitAndReported()
    {
        using var folder = new RunbookFolder(("deep.sbn", RunbookFolder.Runbook("{{ func down(n); ret down(n + 1); end; down 0 }}")));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), []));

        Assert.Contains("recursive depth limit `50`", rendered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ATemplateIncludingItselfIsStoppedToo()
    {
        using var folder = new RunbookFolder(
            ("self.sbn", RunbookFolder.Runbook("{{ include \"_again\" }}")),
            ("_again.sbn", "a{{ include \"_again\" }}"));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), []));

        Assert.NotNull(rendered.Error);
        Assert.Contains("limit", rendered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARenderThatOutlivesItsTimeoutIsStopped()
    {
        using var folder = new RunbookFolder(("slow.sbn", RunbookFolder.Runbook("{{ while true }}{{ end }}")));
        var time = new FakeTimeProvider(RunbookTestData.End);
        var options = new RunbookOptions { LoopLimit = 0, RenderTimeout = TimeSpan.FromMilliseconds(200) };
        var renderer = RunbookTestData.Renderer(folder.Load(), options, time: time);

        var render = Task.Run(() => renderer.Render(RunbookTestData.Alert(), []));
        // The loop has no limit; only the (fake) clock can stop it. Bounded so a broken timeout fails instead of hanging.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!render.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Yield();
        }

        Assert.True(render.IsCompleted, "the render was not stopped by its timeout");
        var rendered = Assert.Single(await render);
        Assert.Contains("took longer than 200 ms", rendered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputBeyondTheCapIsCutWithANote()
    {
        using var folder = new RunbookFolder(("big.sbn", RunbookFolder.Runbook("{{ for i in 1..500 }}line {{ i }} & more\n{{ end }}")));
        var renderer = RunbookTestData.Renderer(folder.Load(), new RunbookOptions { MaxOutputChars = 300 });

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), []));

        Assert.True(rendered.Text.Length <= 302, $"{rendered.Text.Length} characters");
        Assert.StartsWith("line 1 & more\nline 2", rendered.Text, StringComparison.Ordinal);
        Assert.EndsWith("more\n…", rendered.Text, StringComparison.Ordinal);
        Assert.Contains("cut at 300 characters", rendered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void EscapedValuesCountTowardsTheCapAndAreNeverCutInHalf()
    {
        var annotations = new Dictionary<string, string> { ["summary"] = new string('<', 400) };
        using var folder = new RunbookFolder(("wide.sbn", RunbookFolder.Runbook("{{ annotations.summary }}")));
        var renderer = RunbookTestData.Renderer(folder.Load(), new RunbookOptions { MaxOutputChars = 300 });

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(annotations: annotations), []));

        Assert.DoesNotContain("<", rendered.Slack(), StringComparison.Ordinal);
        Assert.Matches(@"^(&lt;)*\n…$", rendered.Slack());
    }

    [Fact]
    public void DotNetMembersAndTemplateEvaluationAreOutOfReach()
    {
        using var folder = new RunbookFolder(
            ("reach.sbn", RunbookFolder.Runbook("""[{{ alert.name.Length }}][{{ window.GetType }}][{{ (trace_search {"a": "b"})[0].link.Text }}]""", order: 1)),
            ("eval.sbn", RunbookFolder.Runbook("""{{ object.eval_template "{{ 1 + 1 }}" }}""", order: 2)));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = renderer.Render(RunbookTestData.Alert(), []);

        Assert.Equal("[][][]", rendered[0].Text);
        Assert.Equal("", rendered[1].Text);
        Assert.Contains("`object.eval_template` was not found", rendered[1].Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ARenderThatOverwritesBuiltinsAndHelpersChangesNothingForTheNextRender()
    {
        // Builtins and helper functions are shared by every render: an assignment may shadow them in its own render
        // (it goes into that render's model) or fail, but never reach another render.
        using var folder = new RunbookFolder(
            ("a-shadow.sbn", RunbookFolder.Runbook("""{{ escape = "gone"; trace_search = 1; }}[{{ escape }}][{{ trace_search }}]""", order: 1)),
            ("b-module.sbn", RunbookFolder.Runbook("""{{ string.leaked = "yes" }}""", order: 2)),
            ("c-after.sbn", RunbookFolder.Runbook("""[{{ "a" | string.upcase }}][{{ escape "x" }}][{{ (trace_search).size > 0 }}][{{ string.leaked }}]""", order: 3)));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var first = renderer.Render(RunbookTestData.Alert(), [RunbookTestData.Section()]);
        var second = renderer.Render(RunbookTestData.Alert(), [RunbookTestData.Section()]);

        Assert.Equal("[gone][1]", first[0].Text);
        Assert.NotNull(first[1].Error);
        Assert.Equal("[A][x][true][]", first[2].Text);
        Assert.Equal("[gone][1]", second[0].Text);
        Assert.Equal("[A][x][true][]", second[2].Text);
    }

    [Fact]
    public void RenderingAgainAfterAGarbageCollectionCompilesNoNewCode()
    {
        // Scriban calls a delegate-backed function through DynamicInvoke, and .NET compiled that reflection stub again
        // after collections: in the service, 60-86 a second while a backlog drained; here (every helper called, a
        // collection before each render) one every other render. Through their methods, nothing is left to compile.
        using var folder = new RunbookFolder(
            ("all.sbn", RunbookFolder.Runbook("""
                {{ for s in (trace_search min_duration: "1s" errors_only: true) }}{{ s.url }}{{ end }}
                {{ traceql attributes: { "http.route": "/x" } }} {{ jaeger_tags { "a": "b" } }} {{ include "_part" }}
                {{ slack_link "https://wiki.example.com" "wiki" }} {{ link "https://x.example.com" "x" }} {{ escape "<b>" }}
                {{ duration "90s" }} {{ unix_time window.start }}
                """)),
            ("_part.sbn", "part {{ service }}"));
        var renderer = RunbookTestData.Renderer(folder.Load(), backends: RunbookTestData.Backends(new FakeTraceBackend("jaeger-prod", "Jaeger")));
        void RenderAfterACollection()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), [RunbookTestData.Section()]));
            Assert.True(rendered.Error is null, rendered.Error);
        }
        for (var i = 0; i < 40; i++)
            RenderAfterACollection();

        var before = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true);
        for (var i = 0; i < 100; i++)
            RenderAfterACollection();
        var compiled = System.Runtime.JitInfo.GetCompiledMethodCount(currentThread: true) - before;

        Assert.True(compiled < 10, $"{compiled} methods compiled by 100 more renders");
    }

    [Fact]
    public void IncludeReachesOnlyPartialsOfTheRunbookFolder()
    {
        using var outside = new RunbookFolder(("secret.sbn", "SECRET"));
        using var folder = new RunbookFolder(
            ("uses.sbn", RunbookFolder.Runbook("{{ include \"_links\" }}")),
            ("escapes.sbn", RunbookFolder.Runbook($"{{{{ include \"{Path.Combine(outside.Path, "secret.sbn").Replace("\\", "/", StringComparison.Ordinal)}\" }}}}", order: 200)),
            ("relative.sbn", RunbookFolder.Runbook("{{ include \"../secret\" }}", order: 300)),
            ("_links.sbn", "Links for {{ service }}: {{ slack_link \"https://wiki.example.com\" \"wiki\" }} {{ annotations.summary }}"));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = renderer.Render(RunbookTestData.Alert(annotations: new Dictionary<string, string> { ["summary"] = "<!here>" }), []);

        Assert.Equal("Links for inventory-service: <https://wiki.example.com/|wiki> &lt;!here&gt;", rendered[0].Slack());
        Assert.All(rendered.Skip(1), r => Assert.Contains("no partial", r.Error, StringComparison.Ordinal));
        Assert.DoesNotContain(rendered, r => r.Text.Contains("SECRET", StringComparison.Ordinal));
    }

    [Fact]
    public void AnErrorInsideAPartialNamesThePartial()
    {
        using var folder = new RunbookFolder(
            ("uses.sbn", RunbookFolder.Runbook("{{ include \"_bad\" }}")),
            ("_bad.sbn", "line 1\n{{ while true }}{{ end }}"));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), []));

        Assert.Contains("could not be rendered: _bad.sbn:2:", rendered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AHelperGivenNonsenseReportsItInsteadOfThrowing()
    {
        using var folder = new RunbookFolder(("bad.sbn", RunbookFolder.Runbook("{{ traceql min_duration: \"soon\" }}")));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = Assert.Single(renderer.Render(RunbookTestData.Alert(), []));

        Assert.Contains("'soon' is not a duration", rendered.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void OneFailingRunbookDoesNotCostTheOthers()
    {
        using var folder = new RunbookFolder(
            ("a.sbn", RunbookFolder.Runbook("{{ 1 | no_such_function_here x }}", order: 1)),
            ("b.sbn", RunbookFolder.Runbook("fine", order: 2)));
        var renderer = RunbookTestData.Renderer(folder.Load());

        var rendered = renderer.Render(RunbookTestData.Alert(), []);

        Assert.Equal(2, rendered.Count);
        Assert.Equal("fine", rendered[1].Text);
    }
}
