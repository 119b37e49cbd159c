using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace AlertLinker.Tests.Playground;

/// <summary>
/// The playground in headless chromium: what a template author does with it, read back from the page's DOM. One
/// browser and one service for the class; each test opens its own context.
/// </summary>
public sealed class PlaygroundPageTests(PlaygroundBrowser browser, ITestOutputHelper output) : IClassFixture<PlaygroundBrowser>
{
    private const string LatencyTemplate = "latency.sbn";

    /// <summary>A line of latency.sbn's body that the rendered runbook carries as it is.</summary>
    private const string ProseLine = "Read the slowest trace top down";

    private async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> OpenRenderedAsync()
    {
        var (context, page, errors) = await browser.OpenAsync();
        var response = await page.GotoAsync(browser.BaseUrl + "/playground");
        Assert.Equal(200, response!.Status);
        await WaitForRenderAsync(page);
        return (context, page, errors);
    }

    /// <summary>Waits until the status says a render finished (or failed), not just until something is on the page.</summary>
    private static async Task WaitForRenderAsync(IPage page) =>
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync(new Regex("^(Rendered|Not rendered|Parsed)"), new() { Timeout = 20_000 });

    private static async Task RenderAsync(IPage page)
    {
        await page.Locator("#status").EvaluateAsync("s => s.textContent = ''");
        await page.ClickAsync("#render");
        await WaitForRenderAsync(page);
    }

    private static async Task<string> MessageTextAsync(IPage page) =>
        await page.Locator("#message").InnerTextAsync() + "\n" + await page.Locator("#thread").InnerTextAsync();

    /// <summary>Opens latency.sbn in the editor: its lines, and the index of <see cref="ProseLine"/> among them.</summary>
    private static async Task<(List<string> Lines, int Index)> OpenLatencyAsync(IPage page)
    {
        await page.SelectOptionAsync("#template", LatencyTemplate);
        var lines = (await page.InputValueAsync("#editor")).Split('\n').ToList();
        var index = lines.FindIndex(l => l.StartsWith(ProseLine, StringComparison.Ordinal));
        Assert.True(index >= 0, "latency.sbn still has the line these tests edit");
        return (lines, index);
    }

    /// <summary>Opens latency.sbn, edits it around <see cref="ProseLine"/> (whose index it returns) and renders.</summary>
    private static async Task<int> EditLatencyAndRenderAsync(IPage page, Action<List<string>, int> edit)
    {
        var (lines, index) = await OpenLatencyAsync(page);
        edit(lines, index);
        await page.FillAsync("#editor", string.Join('\n', lines));
        await RenderAsync(page);
        return index;
    }

    [Fact]
    public async Task OnLoadThePageRendersTheFirstSampleWithTheLoadedTemplatesWithoutAnyInput()
    {
        var (context, page, errors) = await OpenRenderedAsync();
        await using var _ = context;

        Assert.StartsWith("Rendered as alertmanager", await page.Locator("#status").InnerTextAsync());
        // The header as Slack shows it, the colour bar of a firing alert, fields and the runbook's text.
        var header = await page.Locator("#message .sk-header").First.InnerTextAsync();
        Assert.Contains("HighLatency", header);
        var bar = await page.Locator("#message .sk-attachment").First.EvaluateAsync<string>("e => getComputedStyle(e).borderLeftColor");
        Assert.Equal("rgb(224, 30, 90)", bar);
        Assert.Contains(ProseLine, await MessageTextAsync(page));
        // The editor opened the runbook this alert rendered.
        Assert.Equal(LatencyTemplate, await page.InputValueAsync("#template"));
        // The model tree and the text alternative come with it.
        Assert.Contains("checkout", await page.Locator("#model").InnerTextAsync());
        Assert.Contains(header.Trim(), await page.Locator("#message-text").TextContentAsync());
        var shot = await PlaygroundBrowser.ScreenshotAsync(page, "on-load");
        output.WriteLine("screenshot: " + shot);
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is a picture of a page, not an empty file");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task PickingASampleChangingATemplateLineAndRenderingShowsTheChangeInTheMessage()
    {
        var before = browser.TemplatesSnapshot();
        var (context, page, errors) = await OpenRenderedAsync();
        await using var _ = context;

        await page.Locator("#status").EvaluateAsync("s => s.textContent = ''");
        await page.SelectOptionAsync("#sample", "alertmanager-resolved");
        await WaitForRenderAsync(page);
        Assert.Contains("HighErrorRate", await page.Locator("#message .sk-header").First.InnerTextAsync());
        // Back to the latency sample, whose runbook is latency.sbn.
        await page.Locator("#status").EvaluateAsync("s => s.textContent = ''");
        await page.SelectOptionAsync("#sample", "alertmanager-firing");
        await WaitForRenderAsync(page);

        await EditLatencyAndRenderAsync(page, (lines, at) => lines[at] = "Edited in the *playground*: _start_ at the `root` span.");

        var text = await MessageTextAsync(page);
        Assert.Contains("Edited in the playground: start at the root span.", text);
        Assert.DoesNotContain(ProseLine, text);
        // mrkdwn became bold, italics and code, as Slack shows them.
        Assert.Equal("playground", await page.Locator("#message strong, #thread strong").Filter(new() { HasText = "playground" }).First.InnerTextAsync());
        Assert.True(await page.Locator("#message em, #thread em").Filter(new() { HasTextString = "start" }).CountAsync() > 0);
        Assert.True(await page.Locator("#message code, #thread code").Filter(new() { HasTextString = "root" }).CountAsync() > 0);
        Assert.Contains("(edited)", await page.Locator("#template option:checked").InnerTextAsync());
        await PlaygroundBrowser.ScreenshotAsync(page, "edited-template");

        Assert.Equal(before, browser.TemplatesSnapshot());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ARenderErrorIsShownWithItsLineHighlightedInTheEditor()
    {
        var before = browser.TemplatesSnapshot();
        var (context, page, errors) = await OpenRenderedAsync();
        await using var _ = context;

        var index = await EditLatencyAndRenderAsync(page, (lines, at) => lines.Insert(at, "Broken here: {{ duration \"soon\" }}"));

        var line = index + 1;
        var highlighted = page.Locator("#gutter .line.error");
        await Assertions.Expect(highlighted).ToHaveCountAsync(1);
        Assert.Equal(line.ToString(System.Globalization.CultureInfo.InvariantCulture), await highlighted.GetAttributeAsync("data-line"));
        Assert.Equal(1, await page.Locator($"#backdrop .band.error[data-line='{line}']").CountAsync());
        var problem = await page.Locator("#problems .problem").First.InnerTextAsync();
        Assert.Contains($"{LatencyTemplate} line {line}", problem);
        Assert.Contains($"line {line}", await page.Locator("#editor-problem").InnerTextAsync());
        await PlaygroundBrowser.ScreenshotAsync(page, "render-error");

        // The problem's button takes the caret to the line.
        await page.ClickAsync("#problems .problem button");
        var caretLine = await page.Locator("#editor").EvaluateAsync<int>("e => e.value.slice(0, e.selectionStart).split('\\n').length");
        Assert.Equal(line, caretLine);

        Assert.Equal(before, browser.TemplatesSnapshot());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ATemplateThatDoesNotParseIsShownWithItsLineAndTheRestStillRenders()
    {
        var (context, page, errors) = await OpenRenderedAsync();
        await using var _ = context;

        var index = await EditLatencyAndRenderAsync(page, (lines, at) => lines[at] = "{{ if }}");

        // Scriban reports the if without a condition, and then the end it never found: the first is the line edited.
        await Assertions.Expect(page.Locator("#gutter .line.error").First).ToHaveAttributeAsync("data-line", (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("HighLatency", await page.Locator("#message .sk-header").First.InnerTextAsync());
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AlertTextThatLooksLikeHtmlIsShownAsTextAndRunsNothing()
    {
        var (context, page, errors) = await OpenRenderedAsync();
        await using var _ = context;

        var body = (await page.InputValueAsync("#body"))
            .Replace("p99 latency of checkout is 1.4s", "<img src=x onerror=\\\"window.__pwned=1\\\"><script>window.__pwned=2</script> *x* <https://evil.example|click> <javascript:alert(1)|js>", StringComparison.Ordinal);
        Assert.Contains("onerror", body);
        await page.FillAsync("#body", body);
        await RenderAsync(page);

        var text = await MessageTextAsync(page);
        Assert.True(text.Contains("<img src=x onerror=", StringComparison.Ordinal), text + string.Join("\n", errors) + await page.Locator("#problems").InnerTextAsync());
        Assert.Equal(0, await page.Locator("#message img, #message script, #thread img, #thread script").CountAsync());
        Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.__pwned"));
        // Every link in the message is http(s) or mailto: a javascript: target never becomes one.
        var hrefs = await page.Locator("#message a, #thread a").EvaluateAllAsync<string[]>("links => links.map(a => a.href)");
        Assert.All(hrefs, href => Assert.Matches("^(https?|mailto):", href));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TheWholeLoopWorksFromTheKeyboardAlone()
    {
        var (context, page, errors) = await OpenRenderedAsync();
        await using var _ = context;

        // Tab order reaches every control, labelled, in reading order.
        var order = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            order.Add(await page.EvaluateAsync<string>("() => document.activeElement.id || document.activeElement.className"));
        }
        var expected = new[] { "sample", "source", "body", "template", "editor", "render", "revert", "download" };
        Assert.Equal(expected, order.Where(expected.Contains).Distinct());
        foreach (var id in new[] { "sample", "source", "body", "template", "editor" })
            Assert.False(string.IsNullOrWhiteSpace(await page.Locator($"label[for='{id}']").InnerTextAsync()), $"#{id} has a label");

        // Choose a sample with the arrow keys, edit with the keyboard, render with Ctrl+Enter.
        await page.FocusAsync("#template");
        await page.Locator("#template").SelectOptionAsync(LatencyTemplate);
        await page.FocusAsync("#editor");
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync("\nTyped from the keyboard.");
        await page.Locator("#status").EvaluateAsync("s => s.textContent = ''");
        await page.Keyboard.PressAsync("Control+Enter");
        await WaitForRenderAsync(page);
        Assert.Contains("Typed from the keyboard.", await MessageTextAsync(page));
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AxeFindsNoWcagAOrAAViolationContrastIncludedWithAMessageProblemsAndTheModelShown()
    {
        var (context, page, errors) = await OpenRenderedAsync();
        await using var _ = context;
        // A problem box and an open model branch are on the page too, so their colours are checked as well.
        await EditLatencyAndRenderAsync(page, (lines, at) => lines.Insert(at, "{{ duration \"soon\" }}"));
        await page.Locator("#model details details").First.EvaluateAsync("d => d.open = true");
        await page.Locator("#text-alternative").EvaluateAsync("d => d.open = true");

        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });

        Assert.True(result.Violations.Length == 0, string.Join("\n", result.Violations.Select(v =>
            $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => string.Join(" ", n.Target)))}")));
        Assert.Contains(result.Passes, rule => rule.Id == "color-contrast");
        Assert.Contains(result.Passes, rule => rule.Id == "label");
        Assert.Empty(errors);
    }

    /// <summary>
    /// A render answer with every block the page draws (what the sink sends, and an image block such as a graph), as
    /// Block Kit spells them: the page is checked against the format, whatever the builder puts in a message today.
    /// </summary>
    private const string EveryBlock = """
        {"preview": {"source": "alertmanager", "detected": true, "kind": "state_change", "alerts": [],
          "slack": {"text": "FIRING: Everything", "cuts": [],
            "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "FIRING: Everything <b>", "emoji": true}}],
            "attachments": [{"color": "#2EB67D", "blocks": [
              {"type": "section", "fields": [{"type": "mrkdwn", "text": "*Service*\ncheckout"}, {"type": "mrkdwn", "text": "*Severity*\npage"}]},
              {"type": "section", "text": {"type": "mrkdwn", "text": "*bold* _italic_ ~gone~ `code` <https://jaeger.example/trace/1|the trace> &lt;b&gt; <@U123> <javascript:alert(1)|not a link>\n&gt; quoted\n```SELECT 1```", "verbatim": true}},
              {"type": "divider"},
              {"type": "image", "image_url": "http://graphs.example/graph.png", "alt_text": "p99 latency of checkout", "title": {"type": "plain_text", "text": "The alert's metric"}},
              {"type": "image", "slack_file": {"id": "F0123"}, "alt_text": "uploaded graph"},
              {"type": "actions", "block_id": "a", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Silence 2h"}, "action_id": "s", "value": "v", "style": "danger"}]},
              {"type": "context", "elements": [{"type": "mrkdwn", "text": "AlertLinker · <https://am.example/#/alerts|Alerts of this group>"}]}]}],
            "thread": [{"text": "Details", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "📝 Note from *On-call*:\nfailing over", "verbatim": true}}]}]}},
         "problems": []}
        """;

    [Fact]
    public async Task EveryBlockKitBlockIsDrawnAsSlackShowsItAndTheTextAlternativeSaysItAll()
    {
        var (context, page, errors) = await OpenRenderedAsync();
        await using var _ = context;
        await page.RouteAsync("**/api/preview/render", route => route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = EveryBlock }));
        // The graph picture, served by the browser's own stand-in: nothing leaves the machine.
        await page.RouteAsync("http://graphs.example/**", route => route.FulfillAsync(new()
        {
            Status = 200, ContentType = "image/png",
            BodyBytes = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="),
        }));
        await RenderAsync(page);

        var message = page.Locator("#message");
        Assert.Equal("FIRING: Everything <b>", await message.Locator(".sk-header[role=heading]").InnerTextAsync());
        Assert.Equal("rgb(46, 182, 125)", await message.Locator(".sk-attachment").EvaluateAsync<string>("e => getComputedStyle(e).borderLeftColor"));
        Assert.Equal(["Service\ncheckout", "Severity\npage"], await message.Locator(".sk-fields .sk-field").AllInnerTextsAsync());
        Assert.Equal("bold", await message.Locator(".sk-section strong").Nth(2).InnerTextAsync());
        Assert.Equal("italic", await message.Locator(".sk-section em").InnerTextAsync());
        Assert.Equal("gone", await message.Locator(".sk-section del").InnerTextAsync());
        Assert.Equal("code", await message.Locator(".sk-section code").InnerTextAsync());
        Assert.Equal("SELECT 1", await message.Locator(".sk-section pre").InnerTextAsync());
        Assert.Equal("quoted", await message.Locator(".sk-section blockquote").InnerTextAsync());
        Assert.Equal("@U123", await message.Locator(".sk-mention").InnerTextAsync());
        var trace = message.Locator("a", new() { HasTextString = "the trace" });
        Assert.Equal("https://jaeger.example/trace/1", await trace.GetAttributeAsync("href"));
        Assert.Equal("noopener noreferrer", await trace.GetAttributeAsync("rel"));
        Assert.Equal(0, await message.Locator("a", new() { HasTextString = "not a link" }).CountAsync());
        Assert.Contains("<b>", await message.Locator(".sk-section").Nth(1).InnerTextAsync());
        Assert.Equal(1, await message.Locator("hr.sk-divider").CountAsync());
        var graph = message.Locator(".sk-image img");
        Assert.Equal("p99 latency of checkout", await graph.GetAttributeAsync("alt"));
        Assert.Equal(1, await graph.EvaluateAsync<int>("img => img.decode().then(() => img.naturalWidth)"));
        Assert.Equal("The alert's metric", await message.Locator(".sk-image figcaption").InnerTextAsync());
        Assert.Contains("uploaded graph", await message.Locator(".sk-placeholder").InnerTextAsync());
        Assert.Equal("Silence 2h", await message.Locator(".sk-actions .sk-button").InnerTextAsync());
        Assert.Equal("Alerts of this group", await message.Locator(".sk-context a").InnerTextAsync());
        Assert.Contains("failing over", await page.Locator("#thread").InnerTextAsync());
        Assert.True(await page.Locator("#thread-section").IsVisibleAsync());

        var alternative = await page.Locator("#message-text").TextContentAsync();
        foreach (var said in new[] { "Notification text: FIRING: Everything", "FIRING: Everything <b>", "Service", "the trace", "[Image: p99 latency of checkout]", "Thread reply 1:", "failing over" })
            Assert.Contains(said, alternative);
        await PlaygroundBrowser.ScreenshotAsync(page, "every-block");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task WithoutThePreviewsCredentialsThePageIsRefusedWithABasicChallenge()
    {
        var (context, page, _) = await browser.OpenAsync(credentials: false);
        await using var _ = context;

        // Headless chromium answers a Basic challenge it has no credentials for by failing the navigation so.
        var refused = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync(browser.BaseUrl + "/playground"));

        Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, await page.Locator("#editor").CountAsync());
    }
}
