using System.Globalization;
using System.Text;
using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using AlertLinker.Runbooks;

namespace AlertLinker.Slack;

/// <summary>
/// Turns an enriched notification (one alert group) into one Slack message. Pure: the same input gives the same
/// message, so a later notification of the group renders the replacement for chat.update.
/// </summary>
/// <remarks>
/// Layout: header, a fields section (service, severity, window, alert count), then per alert its text, trace links
/// and exemplars, backend notes, runbooks and source links; alerts that no longer fit the limits are listed one line
/// each, then counted ("…and N more alerts"). All untrusted text goes through <see cref="SlackText"/>.
/// Each exemplar trace line carries its log links when <c>AlertLinker:LogLinks</c> configures any.
/// </remarks>
internal sealed class SlackMessageBuilder(IMessageActions? actions = null)
{
    // Per-piece caps, chosen so that one fully detailed alert always fits the message budget.
    private const int MaxAlertTitleLength = 200;
    private const int MaxLabelsLength = 300;
    private const int MaxSummaryLength = 500;
    private const int MaxDescriptionLength = 1000;
    private const int MinTracesLength = 600;
    private const int MaxNotesLength = 600;
    private const int MaxSourcesLength = 600;
    private const int MaxCompactLineLength = 250;
    private const int MaxFallbackLength = 600;
    private const int MinRunbookLength = 200;
    private const int MaxRunbooksPerAlert = 5;
    private const int MaxSectionsPerRunbook = 3;
    private const int MaxListReserve = 2000;
    private const int MaxDetailedAlerts = 5;
    private const int MaxAnalysesPerAlert = 2;
    private const int MaxFindingLength = 300;
    private const int MaxHeadlines = 2;
    private const int MaxMainExemplars = 3;

    /// <summary>
    /// A runbook's first step in the message: where to start, not the whole runbook (that is in the thread). Counted
    /// in mrkdwn: a step's search links are long URLs behind a few visible words.
    /// </summary>
    private const int MaxFirstStepLength = 2000;

    /// <summary>A backend's trouble is one short line in the message (a long line wraps into several).</summary>
    private const int MaxNoteLineLength = 160;

    // Kept free for the "…and N more" section and the footer.
    private const int ReservedBlocks = 2;
    private const int ReservedChars = 600;

    private const string Separator = " · ";

    /// <summary>
    /// The group's message, compact enough for one screen, and (when <paramref name="thread"/>: bot mode) its
    /// <see cref="SlackMessage.Detail"/>, the one thread reply with every finding, waterfall and runbook step.
    /// </summary>
    public SlackMessage Build(EnrichedNotification enriched, bool thread = true)
    {
        var main = BuildMain(enriched, thread);
        return thread ? main with { Detail = BuildDetail(enriched) } : main;
    }

    private SlackMessage BuildMain(EnrichedNotification enriched, bool thread)
    {
        var notification = enriched.Notification;
        var alerts = enriched.Alerts
            .OrderBy(a => a.Alert.Status == AlertStatus.Resolved ? 1 : 0) // firing first; stable otherwise
            .ToList();
        var cuts = new List<string>();
        // Actions/ hook: buttons back to the source (silence, acknowledge), kept room for and added above the footer.
        var actionBlocks = SlackActionRow.For(actions?.For(notification));
        var actionChars = actionBlocks.Sum(b => b.TextObjects().Sum(t => t.Text.Length));
        var message = new Budget(SlackText.MaxBlocks - ReservedBlocks - actionBlocks.Count, SlackText.MaxTotalTextLength - ReservedChars - actionChars);

        var title = Title(enriched);
        message.Add(new HeaderBlock(TextObject.Plain(Fit(title, SlackText.MaxHeaderLength, "header", cuts))));
        message.Add(new SectionBlock(null, Fields(enriched, cuts)));

        var rendered = 0;
        var commonLabels = notification.CommonLabels;
        // Detailed alerts while they fit; a divider separates alerts only when there are several.
        // In a storm only the first alert gets its details: the rest read better as many short lines than a few long ones.
        var detailed = alerts.Count > MaxDetailedAlerts ? 1 : alerts.Count;
        var shownBackends = new HashSet<object>(ReferenceEqualityComparer.Instance);
        for (; rendered < detailed; rendered++)
        {
            // Leave room to list the alerts after this one.
            var keep = Math.Min((alerts.Count - rendered - 1) * 150, MaxListReserve);
            var blocks = AlertBlocks(alerts[rendered], notification.Status, commonLabels, alerts.Count > 1, message.CharsLeft - keep, shownBackends, thread, cuts);
            if (!message.TryAdd(blocks, keep))
                break;
        }

        // The rest one line each, in as many sections as fit.
        if (rendered < alerts.Count)
        {
            var listed = rendered;
            var pending = new StringBuilder();
            for (; listed < alerts.Count; listed++)
            {
                var line = CompactLine(alerts[listed], commonLabels);
                if (pending.Length > 0 && pending.Length + 1 + line.Length > SlackText.MaxTextLength)
                {
                    message.Add(new SectionBlock(TextObject.Mrkdwn(pending.ToString())));
                    pending.Clear();
                }
                var needed = pending.Length == 0 ? line.Length : pending.Length + 1 + line.Length;
                if (message.BlocksLeft < 1 || needed > message.CharsLeft)
                    break;
                if (pending.Length > 0)
                    pending.Append('\n');
                pending.Append(line);
            }
            if (pending.Length > 0)
                message.Add(new SectionBlock(TextObject.Mrkdwn(pending.ToString())));
            if (listed > rendered)
                cuts.Add($"{listed - rendered} alerts shown one line each");
            rendered = listed;
        }

        message.Release(ReservedBlocks, ReservedChars);
        var missing = alerts.Count - rendered;
        if (missing > 0 || notification.TruncatedAlerts > 0)
        {
            var more = new StringBuilder();
            if (missing > 0)
            {
                more.Append(CultureInfo.InvariantCulture, $"…and {missing} more alert{(missing == 1 ? "" : "s")}");
                cuts.Add($"{missing} alerts left out");
            }
            if (notification.TruncatedAlerts > 0)
            {
                more.Append(more.Length > 0 ? "; " : "")
                    .Append(CultureInfo.InvariantCulture, $"{notification.TruncatedAlerts} more not sent by ")
                    .Append(SlackText.EscapeWithin(SlackText.SingleLine(notification.Source), 40).Text)
                    .Append(" (max_alerts)");
            }
            message.Add(new SectionBlock(TextObject.Mrkdwn(more.ToString())));
        }
        message.Release(actionBlocks.Count, actionChars);
        foreach (var block in actionBlocks)
            message.Add(block);
        message.Add(Footer(notification));

        return new SlackMessage(Fallback(title, enriched, cuts), message.Blocks, cuts);
    }

    private static string Title(EnrichedNotification enriched)
    {
        var notification = enriched.Notification;
        var names = enriched.Alerts.Select(a => a.Alert.Name).Distinct(StringComparer.Ordinal).ToList();
        var name = notification.CommonLabels.TryGetValue("alertname", out var common) ? common
            : names.Count switch
            {
                0 => notification.GroupKey,
                1 => names[0],
                _ => $"{names[0]} +{names.Count - 1} more",
            };
        var count = enriched.Alerts.Count + notification.TruncatedAlerts;
        var status = StatusWord(notification.Status);
        return count > 1
            ? $"{StatusEmoji(notification.Status)} {status} ({count}): {SlackText.SingleLine(name)}"
            : $"{StatusEmoji(notification.Status)} {status}: {SlackText.SingleLine(name)}";
    }

    private static IReadOnlyList<TextObject> Fields(EnrichedNotification enriched, List<string> cuts)
    {
        var alerts = enriched.Alerts;
        var fields = new List<TextObject>
        {
            Field("Service", Distinct(alerts.Select(a => a.Resolved.Service)) ?? "unknown", cuts),
            Field("Severity", Distinct(alerts.Select(a => a.Alert.Label("severity"))) ?? "none", cuts),
        };
        if (alerts.Count > 0)
        {
            var start = alerts.Min(a => a.Resolved.Window.Start);
            var end = alerts.Max(a => a.Resolved.Window.End);
            fields.Add(Field("Window", new AlertWindow(start, end).Text, cuts));
        }
        // The parts add up to the header's count: alerts the source left out are counted in both.
        var firing = alerts.Count(a => a.Alert.Status != AlertStatus.Resolved);
        var resolved = alerts.Count - firing;
        var parts = new List<string>(3);
        if (firing > 0 || resolved == 0)
            parts.Add($"{firing} firing");
        if (resolved > 0)
            parts.Add($"{resolved} resolved");
        if (enriched.Notification.TruncatedAlerts > 0)
            parts.Add($"{enriched.Notification.TruncatedAlerts} not sent");
        fields.Add(Field("Alerts", string.Join(", ", parts), cuts));
        return fields;
    }

    private static TextObject Field(string name, string value, List<string> cuts) =>
        TextObject.Mrkdwn($"*{name}*\n{Fit(SlackText.SingleLine(value), 300, name.ToLowerInvariant(), cuts)}");

    /// <summary>The single value, or the first few distinct ones; null when there is none.</summary>
    private static string? Distinct(IEnumerable<string?> values)
    {
        var distinct = values.Where(v => !string.IsNullOrWhiteSpace(v)).Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count switch
        {
            0 => null,
            <= 3 => string.Join(", ", distinct),
            _ => string.Join(", ", distinct.Take(3)) + $" +{distinct.Count - 3} more",
        };
    }

    private List<SlackBlock> AlertBlocks(
        EnrichedAlert enriched, AlertStatus groupStatus, IReadOnlyDictionary<string, string> commonLabels,
        bool several, int charsLeft, HashSet<object> shownBackends, bool thread, List<string> cuts)
    {
        var alert = enriched.Alert;
        var blocks = new List<SlackBlock>();
        if (several)
            blocks.Add(new DividerBlock());

        // Title, distinguishing labels, summary, description.
        var text = new StringBuilder();
        text.Append('*');
        if (alert.Status != groupStatus)
            text.Append(StatusEmoji(alert.Status)).Append(' ');
        text.Append(Fit(SlackText.SingleLine(alert.Name), MaxAlertTitleLength, "alert name", cuts)).Append('*');
        if (alert.Status != groupStatus)
            text.Append(" (").Append(StatusWord(alert.Status).ToLowerInvariant()).Append(')');
        var labels = DistinguishingLabels(alert, commonLabels);
        if (labels.Length > 0)
            text.Append('\n').Append(Fit(labels, MaxLabelsLength, "labels", cuts));
        if (Annotation(alert, "summary") is { } summary)
            text.Append('\n').Append(Fit(summary, MaxSummaryLength, "summary", cuts));
        if ((Annotation(alert, "description") ?? Annotation(alert, "message")) is { } description)
            text.Append('\n').Append(Fit(description, MaxDescriptionLength, "description", cuts));
        blocks.Add(new SectionBlock(TextObject.Mrkdwn(text.ToString())));

        // Alerts of a group that share service and window share one set of backend results (the enricher coalesces
        // them): show it once.
        var sameAsAbove = enriched.Backends.Count > 0 && !shownBackends.Add(enriched.Backends);
        if (sameAsAbove)
        {
            blocks.Add(new ContextBlock([TextObject.Mrkdwn("↑ Same trace links and exemplars as the alert above")]));
        }
        else
        {
            var room = charsLeft - text.Length - MaxNotesLength - MaxSourcesLength - MinRunbookLength;
            if (Headline(enriched.Traces, enriched.Backends, enriched.LogLinks, thread, room, cuts) is { } headline)
            {
                blocks.Add(new SectionBlock(TextObject.Mrkdwn(headline)));
                room -= headline.Length;
            }
            foreach (var links in SearchLinks(enriched.Backends, room, cuts))
            {
                blocks.Add(new SectionBlock(TextObject.Mrkdwn(links)));
                room -= links.Length;
            }
        }
        if (Notes(sameAsAbove ? [] : enriched.Backends, enriched.Runbooks, MaxNoteLineLength, cuts) is { } notes)
            blocks.Add(new ContextBlock([TextObject.Mrkdwn(notes)]));

        // The first step of each runbook; the steps all come in the thread.
        var left = charsLeft - blocks.Sum(b => b.TextObjects().Sum(t => t.Text.Length)) - MaxSourcesLength;
        var runbooks = enriched.Runbooks.Where(r => r.Error is null && !string.IsNullOrWhiteSpace(r.Text)).ToList();
        for (var i = 0; i < runbooks.Count; i++)
        {
            var room = Math.Min(MaxFirstStepLength, left);
            if (room < MinRunbookLength || i == MaxRunbooksPerAlert)
            {
                cuts.Add($"{runbooks.Count - i} runbooks of {alert.Name} left out");
                break;
            }
            var first = FirstStep(runbooks[i], thread, room, cuts);
            blocks.Add(new SectionBlock(TextObject.Mrkdwn(first)));
            left -= first.Length;
        }

        if (Sources(alert) is { } sources)
            blocks.Add(new ContextBlock([TextObject.Mrkdwn(sources)]));
        return blocks;
    }

    /// <summary>
    /// What the traces say, at a glance: the first finding of each analysed trace (the headline), then the top
    /// exemplars, each trace once with a link per backend that has it.
    /// </summary>
    private static string? Headline(IReadOnlyList<FoundTrace> traces, IReadOnlyList<BackendSection> backends, IReadOnlyList<LogLink> logLinks, bool thread, int room, List<string> cuts)
    {
        var lines = new List<string>();
        var said = new HashSet<string>(StringComparer.Ordinal);
        // Several analysed traces: each different cause once, with how many of them it heads.
        var analysed = traces.Select(t => t.Insights).OfType<TraceInsights>().Where(i => i.Headline is not null).ToList();
        var compared = new HashSet<Finding>(ReferenceEqualityComparer.Instance);
        if (analysed.Count > 1)
        {
            var agreement = CauseAgreement.Compare(analysed);
            foreach (var insights in analysed)
                compared.Add(insights.Headline!);
            foreach (var cause in agreement.Causes.Take(MaxHeadlines))
            {
                said.Add(cause.Headline.Summary);
                var how = agreement.Agree
                    ? agreement.Describe()
                    : $"in {cause.Traces.ToString(CultureInfo.InvariantCulture)} of {agreement.Traces.ToString(CultureInfo.InvariantCulture)} traces";
                lines.Add($"{FindingIcon(cause.Headline)} *{SlackText.EscapeWithin(SlackText.SingleLine(cause.Headline.Summary), MaxFindingLength).Text}* — {how}");
            }
        }
        foreach (var finding in traces.Select(t => t.Insights?.Findings.FirstOrDefault()).OfType<Finding>())
        {
            if (lines.Count == MaxHeadlines || compared.Contains(finding) || !said.Add(finding.Summary))
                continue;
            lines.Add($"{FindingIcon(finding)} *{SlackText.EscapeWithin(SlackText.SingleLine(finding.Summary), MaxFindingLength).Text}*");
        }
        lines.AddRange(StrongestNewFindings(backends, traces));
        foreach (var trace in traces.Take(MaxMainExemplars))
            lines.Add(Exemplar(trace, logLinks));
        if (traces.Count > MaxMainExemplars)
        {
            var more = traces.Count - MaxMainExemplars;
            lines.Add(thread
                ? $"…and {more} more trace{(more == 1 ? "" : "s")} in the thread"
                : $"…and {more} more trace{(more == 1 ? "" : "s")}");
        }
        return lines.Count == 0 ? null : JoinLines(lines, Math.Clamp(room, MinTracesLength, SlackText.MaxTextLength), "trace lines", cuts);
    }

    private static string FindingIcon(Finding finding) => finding switch
    {
        CulpritFinding => "⏱",
        ErrorOriginFinding => "❗",
        FanOutFinding => "🔁",
        RetryFinding => "♻️",
        CacheMissFinding => "🧊",
        BrokenContextFinding => "🔗",
        _ => "🔎",
    };

    private const int MaxNewFindings = 2;

    /// <summary>
    /// At most two lines beyond where the time went: what the slow traces share (each value once however many backends
    /// saw it), then broken context, retries and cache misses of the analysed traces, strongest first.
    /// </summary>
    private static List<string> StrongestNewFindings(IReadOnlyList<BackendSection> backends, IReadOnlyList<FoundTrace> traces)
    {
        var lines = new List<string>(MaxNewFindings);
        var patterns = backends.SelectMany(b => b.Patterns)
            .DistinctBy(p => (p.Key, p.Value))
            .OrderByDescending(p => p.Contrast);
        foreach (var pattern in patterns.Take(MaxNewFindings))
            lines.Add($"🧩 *{SlackText.EscapeWithin(SlackText.SingleLine(pattern.Summary), MaxFindingLength).Text}*");
        var said = new HashSet<string>(StringComparer.Ordinal);
        var more = traces.Select(t => t.Insights).OfType<TraceInsights>()
            .SelectMany(i => i.MoreFindings)
            // A trace that starts at a queue or a job hides its cause on the other side: that first; then by share.
            .OrderBy(f => f is BrokenContextFinding { Break: not ContextBreak.ProducerWithoutConsumer } ? 0 : f is BrokenContextFinding ? 2 : 1)
            .ThenByDescending(f => f.Share);
        foreach (var finding in more)
        {
            if (lines.Count == MaxNewFindings)
                break;
            if (said.Add(finding.Summary))
                lines.Add($"{FindingIcon(finding)} {SlackText.EscapeWithin(SlackText.SingleLine(finding.Summary), MaxFindingLength).Text}");
        }
        return lines;
    }

    /// <summary>
    /// One line per backend with its search links; lines are packed into sections. A link is all or nothing; the
    /// first one may overrun the backend's share (never the text limit): a backend without its link is worth less than
    /// a shorter runbook.
    /// </summary>
    private static List<string> SearchLinks(IReadOnlyList<BackendSection> backends, int room, List<string> cuts)
    {
        var shown = backends.Where(b => b.Links.Count > 0).ToList();
        var sections = new List<string>();
        if (shown.Count == 0)
            return sections;
        var share = Math.Clamp(room / shown.Count, MinTracesLength, SlackText.MaxTextLength);
        var pending = new StringBuilder();
        foreach (var backend in shown)
        {
            var head = new StringBuilder($"*{SlackText.EscapeWithin(SlackText.SingleLine(backend.Backend), 60).Text}*");
            var links = backend.Links.Select(link => SlackText.Link(link.Url, link.Title, 80)).OfType<string>().ToList();
            for (var i = 0; i < links.Count; i++)
            {
                var separator = i == 0 ? ": " : Separator;
                var limit = i == 0 ? SlackText.MaxTextLength - 40 : share - 40;
                if (head.Length + separator.Length + links[i].Length > limit)
                {
                    head.Append(CultureInfo.InvariantCulture, $" (+{links.Count - i} more links)");
                    cuts.Add($"{links.Count - i} links of {backend.Backend}");
                    break;
                }
                head.Append(separator).Append(links[i]);
            }
            if (pending.Length > 0 && pending.Length + 1 + head.Length > SlackText.MaxTextLength)
            {
                sections.Add(pending.ToString());
                pending.Clear();
            }
            if (pending.Length > 0)
                pending.Append('\n');
            pending.Append(head);
        }
        if (pending.Length > 0)
            sections.Add(pending.ToString());
        return sections;
    }

    /// <summary>
    /// "📖 *Title* · step 1 of 4, all in the thread" and the runbook's first paragraph, flowed: the main message
    /// says where to start, the thread has the rest.
    /// </summary>
    private static string FirstStep(RenderedRunbook runbook, bool thread, int maxLength, List<string> cuts)
    {
        var steps = SlackText.Paragraphs(SlackText.FromMarkup(runbook.Text));
        var title = $"📖 *{SlackText.EscapeWithin(SlackText.SingleLine(runbook.Title), 150).Text}*";
        if (steps.Count > 1)
            title += thread ? $" · step 1 of {steps.Count}, all in the thread" : $" · step 1 of {steps.Count}";
        var first = SlackText.TruncateMrkdwn(steps.Count > 0 ? steps[0] : "", Math.Max(0, maxLength - title.Length - 8));
        if (first.Cut)
            cuts.Add($"runbook {runbook.Name} first step");
        return CloseFence(title + "\n" + first.Text);
    }

    /// <summary>A code block cut open is closed, so what follows does not turn into code.</summary>
    private static string CloseFence(string mrkdwn)
    {
        var fences = 0;
        for (var at = mrkdwn.IndexOf("```", StringComparison.Ordinal); at >= 0; at = mrkdwn.IndexOf("```", at + 3, StringComparison.Ordinal))
            fences++;
        return fences % 2 == 1 ? mrkdwn + "\n```" : mrkdwn;
    }

    /// <summary>
    /// The thread reply: every analysed trace with all its findings and its waterfall, the exemplars the message had
    /// no room for, every note, and each runbook whole. Null when there is nothing beyond the message.
    /// </summary>
    private SlackMessage? BuildDetail(EnrichedNotification enriched)
    {
        var alerts = enriched.Alerts
            .OrderBy(a => a.Alert.Status == AlertStatus.Resolved ? 1 : 0)
            .Take(enriched.Alerts.Count > MaxDetailedAlerts ? 1 : MaxDetailedAlerts)
            .ToList();
        var cuts = new List<string>();
        var message = new Budget(SlackText.MaxBlocks, SlackText.MaxTotalTextLength);
        var shownBackends = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var any = false;
        foreach (var enrichedAlert in alerts)
        {
            var blocks = new List<SlackBlock>();
            var name = $"🧵 *{SlackText.EscapeWithin(SlackText.SingleLine(enrichedAlert.Alert.Name), MaxAlertTitleLength).Text}* · details";
            var room = message.CharsLeft - name.Length - 200;
            var content = new List<string>();
            if (shownBackends.Add(enrichedAlert.Backends))
            {
                var traces = enrichedAlert.Traces;
                if (SharedAttributes(enrichedAlert.Backends) is { } shared)
                {
                    content.Add(shared);
                    room -= shared.Length;
                }
                content.AddRange(Analyses(traces, room, cuts));
                room -= content.Sum(c => c.Length);
                if (traces.Count > MaxMainExemplars)
                {
                    var more = JoinLines(["*More traces*", .. traces.Skip(MaxMainExemplars).Select(t => Exemplar(t, enrichedAlert.LogLinks))],
                        Math.Clamp(room, MinTracesLength, SlackText.MaxTextLength), "trace lines", cuts);
                    content.Add(more);
                    room -= more.Length;
                }
            }
            // A runbook of one short step is all in the message already.
            var runbooks = enrichedAlert.Runbooks
                .Where(r => r.Error is null && !string.IsNullOrWhiteSpace(r.Text))
                .Where(r => SlackText.Paragraphs(SlackText.FromMarkup(r.Text)) is { } steps && (steps.Count > 1 || steps[0].Length > MinRunbookLength * 5))
                .ToList();
            foreach (var runbook in runbooks.Take(MaxRunbooksPerAlert))
            {
                var sections = Runbook(runbook, Math.Min(SlackText.MaxTextLength * MaxSectionsPerRunbook, room), cuts);
                content.AddRange(sections);
                room -= sections.Sum(c => c.Length);
            }
            if (content.Count == 0)
                continue;
            blocks.Add(new SectionBlock(TextObject.Mrkdwn(name)));
            blocks.AddRange(content.Select(c => new SectionBlock(TextObject.Mrkdwn(c))));
            if (!message.TryAdd(blocks))
            {
                cuts.Add($"details of {enrichedAlert.Alert.Name}");
                break;
            }
            any = true;
        }
        if (!any)
            return null;
        var fallback = Fit(SlackText.SingleLine("Details: " + Title(enriched)), MaxFallbackLength, "details fallback text", cuts);
        return new SlackMessage(fallback, message.Blocks, cuts);
    }

    /// <summary>
    /// What the analysed traces say: every finding and the waterfall in a code block, each trace once however many
    /// backends found it. At most <see cref="MaxAnalysesPerAlert"/> traces, each only when it fits whole in the room.
    /// </summary>
    private static List<string> Analyses(IReadOnlyList<FoundTrace> traces, int room, List<string> cuts)
    {
        var sections = new List<string>();
        var analysed = traces.Where(t => t.Insights is not null).ToList();
        foreach (var trace in analysed)
        {
            var insights = trace.Insights!;
            var id = SlackText.SingleLine(trace.Exemplar.TraceId);
            var label = id.Length > 12 ? id[..8] + SlackText.Ellipsis : id;
            var backendNames = string.Join(", ", trace.Links.Select(l => SlackText.EscapeWithin(SlackText.SingleLine(l.Backend), 60).Text));
            var text = new StringBuilder("*🔎 Trace ");
            text.Append(SlackText.LinkOrLabel(trace.Exemplar.Link, label))
                .Append(CultureInfo.InvariantCulture, $"* ({backendNames}, {insights.SpanCount} spans, {FormatDuration(insights.Duration)})");
            foreach (var finding in insights.Findings)
            {
                var icon = finding switch
                {
                    CulpritFinding => "⏱ here: ",
                    ErrorOriginFinding => "❗ error origin: ",
                    FanOutFinding => "🔁 N+1: ",
                    RetryFinding => "♻️ ",
                    CacheMissFinding => "🧊 ",
                    BrokenContextFinding => "🔗 ",
                    _ => "",
                };
                text.Append("\n• ").Append(icon).Append(SlackText.EscapeWithin(SlackText.SingleLine(finding.Summary), MaxFindingLength).Text);
            }
            if (!string.IsNullOrWhiteSpace(insights.Waterfall))
            {
                // Backticks in span names must not close the code block.
                var waterfall = SlackText.Escape(insights.Waterfall.Replace("```", "`\u200B``", StringComparison.Ordinal));
                text.Append("\n```\n").Append(waterfall).Append("\n```");
            }
            if (sections.Count == MaxAnalysesPerAlert || text.Length > Math.Min(room, SlackText.MaxTextLength))
            {
                cuts.Add($"{analysed.Count - sections.Count} trace analyses left out");
                break;
            }
            sections.Add(text.ToString());
            room -= text.Length;
        }
        return sections;
    }

    /// <summary>The thread's list of what the slow or failing traces share, per backend that saw it; null when nothing stands out.</summary>
    private static string? SharedAttributes(IReadOnlyList<BackendSection> backends)
    {
        var lines = backends
            .SelectMany(b => b.Patterns.Select(p => $"• {SlackText.EscapeWithin(SlackText.SingleLine(p.Summary), MaxFindingLength).Text} ({SlackText.EscapeWithin(SlackText.SingleLine(b.Backend), 60).Text})"))
            .ToList();
        return lines.Count == 0 ? null : "*🧩 What the slow or failing traces share*\n" + string.Join('\n', lines);
    }

    /// <summary>"instance=db-1 · pod=x": the labels that tell this alert from the others of its group.</summary>
    private static string DistinguishingLabels(Alert alert, IReadOnlyDictionary<string, string> commonLabels)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (name == "alertname" || (commonLabels.TryGetValue(name, out var common) && common == value))
                continue;
            if (text.Length > MaxLabelsLength * 2)
                break; // enough to be cut to MaxLabelsLength; spares joining a thousand labels
            if (text.Length > 0)
                text.Append(Separator);
            text.Append(name).Append('=').Append(value);
        }
        return SlackText.SingleLine(text.ToString());
    }

    private static string? Annotation(Alert alert, string name) =>
        alert.Annotations.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    /// <summary>
    /// "• 4bf92f35… · 812 ms · checkout: GET /checkout · ❗ error · logs: Loki" — the id is short in the label, full in
    /// the link; a trace several backends found links each of them by name instead.
    /// </summary>
    private static string Exemplar(FoundTrace found, IReadOnlyList<LogLink> logLinks)
    {
        var trace = found.Exemplar;
        var id = SlackText.SingleLine(trace.TraceId);
        var shortId = id.Length > 12 ? id[..8] + SlackText.Ellipsis : id;
        var line = new StringBuilder("• ");
        var links = found.Links.Where(l => SlackText.IsWebUrl(l.Url)).ToList();
        if (links.Count > 1)
            line.Append(SlackText.EscapeWithin(shortId, 64).Text);
        else
            line.Append(SlackText.Link(links.FirstOrDefault()?.Url ?? trace.Link, shortId) ?? $"`{SlackText.EscapeWithin(id, 64).Text}`");
        if (trace.Duration is { } duration)
            line.Append(Separator).Append(FormatDuration(duration));
        var root = (trace.RootService, trace.RootOperation) switch
        {
            ({ } service, { } operation) => $"{service}: {operation}",
            (null, { } operation) => operation,
            ({ } service, null) => service,
            _ => null,
        };
        if (root is not null)
            line.Append(Separator).Append(SlackText.EscapeWithin(SlackText.SingleLine(root), 120).Text);
        if (trace.Error)
            line.Append(Separator).Append("❗ error");
        if (links.Count > 1)
            line.Append(" — ").Append(string.Join(Separator, links.Select(l => SlackText.Link(l.Url, l.Backend, 40))));
        var logs = logLinks.Where(l => l.TraceId == trace.TraceId)
            .Select(l => SlackText.Link(l.Url, l.Title, 40)).OfType<string>().ToList();
        if (logs.Count > 0)
            line.Append(Separator).Append("logs: ").Append(string.Join(", ", logs));
        return line.ToString();
    }

    internal static string FormatDuration(TimeSpan duration) =>
        duration.TotalMilliseconds < 1 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMicroseconds:0} µs")
        : duration.TotalSeconds < 1 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0} ms")
        : duration.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m {duration.Seconds:00}s");

    /// <summary>What went wrong with a backend or a runbook: the reader should know a section is missing and why.</summary>
    private static string? Notes(IReadOnlyList<BackendSection> backends, IReadOnlyList<RenderedRunbook> runbooks, int lineLength, List<string> cuts)
    {
        var lines = new List<string>();
        foreach (var backend in backends)
        {
            var note = backend.Note ?? backend.Outcome switch
            {
                BackendOutcome.TimedOut => "timed out",
                BackendOutcome.Failed => "failed",
                BackendOutcome.NothingFound => "no traces found in the window; sampling or retention may have dropped them",
                _ => null,
            };
            if (note is null)
                continue;
            var icon = backend.Outcome is BackendOutcome.Failed or BackendOutcome.TimedOut ? "⚠️" : "ℹ️";
            lines.Add($"{icon} {SlackText.EscapeWithin(SlackText.SingleLine($"{backend.Backend}: {note}"), lineLength).Text}");
        }
        foreach (var runbook in runbooks.Where(r => r.Error is not null))
        {
            lines.Add("⚠️ " + SlackText.EscapeWithin(SlackText.SingleLine(
                $"Runbook {runbook.Title} ({runbook.Name}) could not be rendered: {runbook.Error}"), 300).Text);
        }
        return lines.Count == 0 ? null : JoinLines(lines, MaxNotesLength, "notes", cuts);
    }

    /// <summary>
    /// Runbook text is neutral markup (the renderer escaped the alert values it inserted for it): here it becomes
    /// mrkdwn, flows as paragraphs and is shortened (never inside a link). The title comes from front matter and is
    /// escaped like any text.
    /// </summary>
    private static List<string> Runbook(RenderedRunbook runbook, int maxLength, List<string> cuts)
    {
        var title = $"📖 *{SlackText.EscapeWithin(SlackText.SingleLine(runbook.Title), 150).Text}*\n";
        // Each split may add a code fence pair; keep room for them.
        var flowed = string.Join("\n\n", SlackText.Paragraphs(SlackText.FromMarkup(runbook.Text)));
        var body = SlackText.TruncateMrkdwn(flowed, maxLength - title.Length - MaxSectionsPerRunbook * 8);
        if (body.Cut)
            cuts.Add($"runbook {runbook.Name}");
        var sections = SplitAtLines(title + body.Text, SlackText.MaxTextLength);
        if (sections.Count <= MaxSectionsPerRunbook)
            return sections;
        // Very long lines fill a section each: keep the first sections and say the rest is cut.
        if (!body.Cut)
            cuts.Add($"runbook {runbook.Name}");
        sections.RemoveRange(MaxSectionsPerRunbook, sections.Count - MaxSectionsPerRunbook);
        var last = sections[^1];
        sections[^1] = last.Length + 2 <= SlackText.MaxTextLength ? last + "\n…" : last;
        return sections;
    }

    /// <summary>
    /// A runbook longer than one section (a query link per backend is easily 1 000 characters) goes into several,
    /// split between lines; a ``` block split in two is closed and reopened so both halves stay code.
    /// </summary>
    internal static List<string> SplitAtLines(string mrkdwn, int maxLength)
    {
        const string fence = "```";
        var sections = new List<string>();
        var lines = new List<string>();
        var length = 0;
        var inCode = false;
        foreach (var line in mrkdwn.Split('\n'))
        {
            var closing = inCode ? fence.Length + 1 : 0;
            if (lines.Count > 0 && length + 1 + line.Length + closing > maxLength)
            {
                Flush();
                if (inCode)
                    Add(fence);
            }
            var room = maxLength - length - (lines.Count > 0 ? 1 : 0) - closing;
            // One line longer than a section (never seen from our templates) is shortened on its own.
            Add(line.Length > room ? SlackText.TruncateMrkdwn(line, room).Text : line);
            if (Occurrences(line, fence) % 2 == 1)
                inCode = !inCode;
        }
        inCode = false;
        Flush();
        return sections;

        void Add(string line)
        {
            length += (lines.Count > 0 ? 1 : 0) + line.Length;
            lines.Add(line);
        }

        void Flush()
        {
            if (lines.Count > 0)
                sections.Add(string.Join('\n', lines) + (inCode ? "\n" + fence : ""));
            lines.Clear();
            length = 0;
        }

        static int Occurrences(string text, string value)
        {
            var count = 0;
            for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
                count++;
            return count;
        }
    }

    /// <summary>Annotations whose value is a link an on-call engineer reaches for, in the order they are shown.</summary>
    private static readonly (string Annotation, string Title)[] LinkAnnotations =
    [
        ("runbook_url", "Runbook"),
        ("dashboard_url", "Dashboard"),
    ];

    /// <summary>
    /// The alert's own links, http(s) only: its <c>runbook_url</c> and <c>dashboard_url</c> annotations, the generator
    /// URL, then what the source gave (Grafana's dashboard, panel and silence, PagerDuty's incident).
    /// </summary>
    private static string? Sources(Alert alert)
    {
        var links = new List<(string Title, Uri Url)>();
        foreach (var (annotation, title) in LinkAnnotations)
        {
            if (SlackText.WebUrl(Annotation(alert, annotation)?.Trim()) is { } url)
                links.Add((title, url));
        }
        if (SlackText.WebUrl(alert.GeneratorUrl) is { } generator)
            links.Add(("Source", generator));
        links.AddRange(alert.Links.Select(l => (l.Title, l.Url)));
        var rendered = links.DistinctBy(l => l.Url.AbsoluteUri).Select(l => SlackText.Link(l.Url, l.Title, 60)).OfType<string>().ToList();
        if (rendered.Count == 0)
            return null;
        var text = new StringBuilder();
        foreach (var link in rendered)
        {
            if (text.Length + Separator.Length + link.Length > MaxSourcesLength)
                break;
            if (text.Length > 0)
                text.Append(Separator);
            text.Append(link);
        }
        return text.Length == 0 ? null : text.ToString();
    }

    private static string CompactLine(EnrichedAlert enriched, IReadOnlyDictionary<string, string> commonLabels)
    {
        var alert = enriched.Alert;
        var raw = new StringBuilder(SlackText.SingleLine(alert.Name));
        var labels = DistinguishingLabels(alert, commonLabels);
        if (labels.Length > 0)
            raw.Append(" (").Append(SlackText.Truncate(labels, 80).Text).Append(')');
        if (Annotation(alert, "summary") is { } summary)
            raw.Append(" — ").Append(SlackText.Truncate(SlackText.SingleLine(summary), 120).Text);
        var icon = alert.Status == AlertStatus.Resolved ? StatusEmoji(AlertStatus.Resolved) + " " : "";
        return "• " + icon + SlackText.EscapeWithin(raw.ToString(), MaxCompactLineLength).Text;
    }

    private static SlackBlock Footer(AlertNotification notification)
    {
        var text = new StringBuilder("AlertLinker");
        text.Append(Separator).Append(SlackText.EscapeWithin(SlackText.SingleLine(notification.Source), 40).Text);
        if (!string.IsNullOrWhiteSpace(notification.Receiver))
            text.Append(Separator).Append("receiver ").Append(SlackText.EscapeWithin(SlackText.SingleLine(notification.Receiver), 80).Text);
        foreach (var (title, url) in SourceLinks(notification))
        {
            if (SlackText.Link(url, title, 60) is { } link)
                text.Append(Separator).Append(link);
        }
        return new ContextBlock([TextObject.Mrkdwn(text.ToString())]);
    }

    /// <summary>
    /// Where the group lives in its source. Alertmanager: its alerts filtered to the group and a new silence
    /// pre-filled with the group's matchers (the labels all its alerts share), in the UI's own
    /// <c>#/alerts?filter={a="b",…}</c> and <c>#/silences/new?filter=…</c> form. Opsgenie: the alert's page. Other
    /// sources: their external URL, if any (PagerDuty and Grafana put their incident and silence links on the alert).
    /// </summary>
    private static IEnumerable<(string Title, Uri? Url)> SourceLinks(AlertNotification notification)
    {
        if (notification.Source == "opsgenie" && notification.Alerts.FirstOrDefault()?.Fingerprint is { Length: > 0 } alertId)
            yield return ("Opsgenie alert", SlackText.WebUrl($"https://app.opsgenie.com/alert/detail/{Uri.EscapeDataString(alertId)}/details"));
        if (SlackText.WebUrl(notification.ExternalUrl) is not { } external)
            yield break;
        if (notification.Source != "alertmanager")
        {
            yield return ("Open in " + notification.Source, external);
            yield break;
        }
        var matchers = GroupMatchers(notification);
        var root = external.AbsoluteUri.TrimEnd('/');
        yield return ("Alerts of this group", SlackText.WebUrl($"{root}/#/alerts?filter={matchers}"));
        yield return ("Silence…", SlackText.WebUrl($"{root}/#/silences/new?filter={matchers}"));
    }

    /// <summary>
    /// <c>{alertname="HighLatency",service="checkout"}</c>, URL-encoded: Alertmanager's matcher syntax, values quoted
    /// with <c>\</c> and <c>"</c> escaped. The labels every alert of the group shares, else the alert names.
    /// </summary>
    internal static string GroupMatchers(AlertNotification notification)
    {
        var labels = notification.CommonLabels.Count > 0
            ? notification.CommonLabels
            : notification.Alerts.Select(a => a.Name).Distinct(StringComparer.Ordinal).Take(1)
                .ToDictionary(name => "alertname", name => name);
        var matchers = labels
            .Where(l => IsLabelName(l.Key))
            .OrderBy(l => l.Key == "alertname" ? 0 : 1).ThenBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}=\"{l.Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        return Uri.EscapeDataString("{" + string.Join(",", matchers) + "}");

        // Prometheus label names: anything else cannot be matched without quoting and is left out.
        static bool IsLabelName(string name) =>
            name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
    }

    /// <summary>Notification text (push, screen readers): title, service and the first summary, escaped like the rest.</summary>
    private static string Fallback(string title, EnrichedNotification enriched, List<string> cuts)
    {
        var raw = new StringBuilder(title);
        if (Distinct(enriched.Alerts.Select(a => a.Resolved.Service)) is { } service)
            raw.Append(" — ").Append(service);
        if (enriched.Alerts.Select(a => Annotation(a.Alert, "summary")).FirstOrDefault(s => s is not null) is { } summary)
            raw.Append(" — ").Append(summary);
        return Fit(SlackText.SingleLine(raw.ToString()), MaxFallbackLength, "fallback text", cuts);
    }

    private static string JoinLines(List<string> lines, int maxLength, string what, List<string> cuts)
    {
        var text = new StringBuilder();
        var taken = 0;
        foreach (var line in lines)
        {
            var fitted = line.Length <= maxLength ? line : SlackText.TruncateMrkdwn(line, maxLength).Text;
            if (text.Length + fitted.Length + 40 > maxLength && taken > 0)
                break;
            if (text.Length > 0)
                text.Append('\n');
            text.Append(fitted);
            taken++;
        }
        if (taken < lines.Count)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n…and {lines.Count - taken} more");
            cuts.Add($"{lines.Count - taken} {what}");
        }
        return text.ToString();
    }

    /// <summary>Escapes untrusted text within a limit and records the cut. Never empty: Slack rejects empty text objects.</summary>
    private static string Fit(string raw, int maxLength, string what, List<string> cuts)
    {
        var fitted = SlackText.EscapeWithin(raw, maxLength);
        if (fitted.Cut)
            cuts.Add(what);
        return fitted.Text.Length == 0 ? "–" : fitted.Text;
    }

    private static string StatusEmoji(AlertStatus status) => status switch
    {
        AlertStatus.Firing => "🔥",
        AlertStatus.Acknowledged => "👀",
        AlertStatus.Resolved => "✅",
        _ => "❔",
    };

    private static string StatusWord(AlertStatus status) => status.ToString().ToUpperInvariant();

    /// <summary>The message under construction, counting blocks and text characters against Slack's limits.</summary>
    private sealed class Budget(int blocks, int chars)
    {
        public List<SlackBlock> Blocks { get; } = [];

        public int BlocksLeft { get; private set; } = blocks;

        public int CharsLeft { get; private set; } = chars;

        public void Add(SlackBlock block)
        {
            Blocks.Add(block);
            BlocksLeft--;
            CharsLeft -= Length(block);
        }

        /// <summary>Adds all or nothing, leaving at least <paramref name="keepChars"/> for what comes after.</summary>
        public bool TryAdd(IReadOnlyList<SlackBlock> group, int keepChars = 0)
        {
            var length = group.Sum(Length);
            if (group.Count > BlocksLeft || length > CharsLeft - keepChars)
                return false;
            foreach (var block in group)
                Add(block);
            return true;
        }

        /// <summary>Gives back what was held in reserve for the closing blocks.</summary>
        public void Release(int reservedBlocks, int reservedChars)
        {
            BlocksLeft += reservedBlocks;
            CharsLeft += reservedChars;
        }

        private static int Length(SlackBlock block) => block.TextObjects().Sum(t => t.Text.Length);
    }
}
