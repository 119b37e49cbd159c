using System.Globalization;
using System.Text;

namespace AlertLinker.Slack;

/// <summary>
/// A storm's messages, within Slack's limits, all text escaped: the digest that names every group (continued in
/// replies in its own thread when one message cannot hold them: pages) and the batched thread replies that give each
/// group without a full message its finding and a link. Pure.
/// </summary>
internal static class SlackStormMessages
{
    private const int MaxNameLength = 80;
    private const int MaxServicesLength = 60;
    private const int MaxHeadlineLength = 160;

    /// <summary>Text per page or reply: below Slack's ~12k characters summed over blocks (see <see cref="SlackText.MaxTotalTextLength"/>).</summary>
    private const int PageBudget = SlackText.MaxTotalTextLength - 1000;

    /// <summary>Sections per page: each up to <see cref="SlackText.MaxTextLength"/>, well below the 50-block limit.</summary>
    private const int MaxSections = SlackText.MaxBlocks - 5;

    /// <summary>A notification's identity across redeliveries (the store hands the same notification back unchanged).</summary>
    public static string NotificationKey(AlertNotification notification) =>
        string.Join('\n', notification.Kind, notification.Status, notification.ReceivedAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            notification.DeliveryId ?? "", notification.Alerts.Count.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// Page 1 is the digest: "🌩 Alert storm: 10000 alerts in 200 groups", how long and what is where, then one compact
    /// line per group. Pages 2… continue the list as replies in the digest's thread.
    /// </summary>
    public static IReadOnlyList<SlackMessage> Pages(SlackStorm storm, IReadOnlyList<StormMember> members)
    {
        var alerts = storm.EarlierAlerts + members.Sum(m => m.Alerts);
        var groups = storm.EarlierGroups + members.Count;
        var title = string.Create(CultureInfo.InvariantCulture, $"🌩 Alert storm: {Count(alerts, "alert")} in {Count(groups, "group")}");
        var lines = members.Select(DigestLine).ToList();
        var pages = Paginate(lines, PageBudget - 600);

        var seconds = Math.Max(1, (int)Math.Ceiling((storm.LastArrival - storm.Start).TotalSeconds));
        var about = new List<string> { string.Create(CultureInfo.InvariantCulture, $"{seconds} s from the first to the latest") };
        if (storm.EarlierGroups > 0)
            about.Add($"{Count(storm.EarlierGroups, "group")} ({Count(storm.EarlierAlerts, "alert")}) above with messages of their own");
        about.Add("🔎 full message in the thread, the others one line each there");
        if (pages.Count > 1)
            about.Add($"this list continues in the thread ({pages.Count} pages)");

        var result = new List<SlackMessage>(pages.Count);
        for (var i = 0; i < pages.Count; i++)
        {
            var blocks = new List<SlackBlock>();
            if (i == 0)
            {
                blocks.Add(new HeaderBlock(TextObject.Plain(SlackText.Truncate(title, SlackText.MaxHeaderLength).Text)));
                blocks.Add(new ContextBlock([TextObject.Mrkdwn(string.Join(" · ", about))]));
            }
            else
            {
                blocks.Add(new ContextBlock([TextObject.Mrkdwn(string.Create(CultureInfo.InvariantCulture, $"🌩 Storm digest, continued ({i + 1}/{pages.Count})"))]));
            }
            blocks.AddRange(pages[i].Select(section => new SectionBlock(TextObject.Mrkdwn(section))));
            var fallback = i == 0
                ? SlackText.EscapeWithin(title + ": " + string.Join(", ", members.Take(10).Select(m => SlackText.SingleLine(m.Line.Name))), 600).Text
                : string.Create(CultureInfo.InvariantCulture, $"Storm digest, continued ({i + 1}/{pages.Count})");
            result.Add(new SlackMessage(fallback, blocks, []));
        }
        return result;
    }

    /// <summary>
    /// Thread replies for members without a full message: many groups per reply, each with its finding (or which
    /// detailed group it is like) and a link to its traces. Each reply says which members it holds.
    /// </summary>
    public static IReadOnlyList<(SlackMessage Message, IReadOnlyList<StormMember> Members)> Batches(
        IReadOnlyList<StormMember> members, Func<StormMember, StormMember?> detailedLike)
    {
        var result = new List<(SlackMessage, IReadOnlyList<StormMember>)>();
        if (members.Count == 0)
            return result;
        var lines = members.Select(m => BatchLine(m, detailedLike(m))).ToList();
        var start = 0;
        foreach (var page in Paginate(lines, PageBudget))
        {
            var taken = page.Sum(section => section.Count(c => c == '\n') + 1);
            var held = members.Skip(start).Take(taken).ToList();
            start += taken;
            var heading = string.Create(CultureInfo.InvariantCulture, $"🌩 {Count(held.Count, "more group")} of this storm:");
            var blocks = new List<SlackBlock> { new ContextBlock([TextObject.Mrkdwn(heading)]) };
            blocks.AddRange(page.Select(section => new SectionBlock(TextObject.Mrkdwn(section))));
            var fallback = SlackText.EscapeWithin(heading + " " + string.Join(", ", held.Take(10).Select(m => SlackText.SingleLine(m.Line.Name))), 600).Text;
            result.Add((new SlackMessage(fallback, blocks, []), held));
        }
        return result;
    }

    /// <summary>"🔥 *HighLatency* · checkout · 50 alerts 🔎", escaped.</summary>
    internal static string DigestLine(StormMember member)
    {
        var line = new StringBuilder()
            .Append(Emoji(member.Status)).Append(" *").Append(Escaped(member.Line.Name, MaxNameLength)).Append('*');
        if (member.Line.Services is { } services)
            line.Append(" · ").Append(Escaped(services, MaxServicesLength));
        line.Append(" · ").Append(Count(member.Alerts, "alert"));
        if (member.State == StormMemberState.Detailed || member.WantsDetail)
            line.Append(" 🔎");
        return line.ToString();
    }

    private static string BatchLine(StormMember member, StormMember? like)
    {
        var line = new StringBuilder("• ").Append(DigestLine(member));
        if (like is not null)
            line.Append(" — like *").Append(Escaped(like.Line.Name, MaxNameLength)).Append("* above");
        else if (member.Line.Headline is { } headline)
            line.Append(" — ").Append(Escaped(headline, MaxHeadlineLength));
        if (SlackText.Link(member.Line.Link, "traces") is { } link)
            line.Append(" · ").Append(link);
        return line.ToString();
    }

    /// <summary>Lines into sections of at most <see cref="SlackText.MaxTextLength"/>, sections into pages within the budget.</summary>
    private static List<List<string>> Paginate(IReadOnlyList<string> lines, int budget)
    {
        var pages = new List<List<string>>();
        var page = new List<string>();
        var section = new StringBuilder();
        var pageLength = 0;

        void CloseSection()
        {
            if (section.Length == 0)
                return;
            page.Add(section.ToString());
            section.Clear();
            if (page.Count >= MaxSections)
                ClosePage();
        }

        void ClosePage()
        {
            if (section.Length > 0)
            {
                page.Add(section.ToString());
                section.Clear();
            }
            if (page.Count > 0)
                pages.Add(page);
            page = [];
            pageLength = 0;
        }

        foreach (var raw in lines)
        {
            var line = raw.Length > SlackText.MaxTextLength ? SlackText.TruncateMrkdwn(raw, SlackText.MaxTextLength).Text : raw;
            if (section.Length > 0 && section.Length + 1 + line.Length > SlackText.MaxTextLength)
                CloseSection();
            if (pageLength + line.Length + 1 > budget)
                ClosePage();
            if (section.Length > 0)
                section.Append('\n');
            section.Append(line);
            pageLength += line.Length + 1;
        }
        ClosePage();
        if (pages.Count == 0)
            pages.Add([]);
        return pages;
    }

    private static string Escaped(string raw, int max) => SlackText.EscapeWithin(SlackText.SingleLine(raw), max).Text;

    private static string Emoji(AlertStatus status) => status switch
    {
        AlertStatus.Resolved => "✅",
        AlertStatus.Acknowledged => "👀",
        _ => "🔥",
    };

    private static string Count(int n, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{n} {noun}{(n == 1 ? "" : "s")}");

}
