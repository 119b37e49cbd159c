using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>
/// Spots alert storms per channel. A storm starts when a new alert group arrives and more than
/// <see cref="SlackOptions.StormThreshold"/> new groups (this one included) reached the channel within the last
/// <see cref="SlackOptions.StormWindow"/>. From then on every new group joins the storm — one digest message, each
/// group's message a reply in its thread — until a whole window passes without a new group. Groups seen before the
/// storm keep their own messages. State is in memory: after a restart a continuing storm starts a new digest.
/// </summary>
internal sealed class SlackStorms(IOptions<SlackOptions> options, TimeProvider time)
{
    private readonly SlackOptions options = options.Value;
    private readonly Dictionary<string, ChannelState> channels = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>
    /// Records a new group arriving in <paramref name="channel"/>; returns the storm it belongs to, or null when it
    /// gets a message of its own. The same group observed again (a retry) is counted once.
    /// </summary>
    public SlackStorm? Observe(string channel, string groupIdentity)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            if (!channels.TryGetValue(channel, out var state))
                channels[channel] = state = new ChannelState();

            while (state.Recent.Count > 0 && now - state.Recent.Peek().At > options.StormWindow)
                state.Seen.Remove(state.Recent.Dequeue().Group);
            if (state.Seen.Add(groupIdentity))
                state.Recent.Enqueue((now, groupIdentity));

            if (state.Storm is { } storm && now - storm.LastArrival > options.StormWindow)
                state.Storm = null;
            if (state.Storm is null && state.Recent.Count > options.StormThreshold)
                state.Storm = new SlackStorm(channel, state.Recent.Peek().At, earlier: state.Recent.Count - 1);
            state.Storm?.Arrived(now);
            return state.Storm;
        }
    }

    private sealed class ChannelState
    {
        public Queue<(DateTimeOffset At, string Group)> Recent { get; } = new();

        public HashSet<string> Seen { get; } = new(StringComparer.Ordinal);

        public SlackStorm? Storm { get; set; }
    }
}

/// <summary>One storm in one channel: its digest message (once posted) and the alerts in its thread.</summary>
internal sealed class SlackStorm(string channel, DateTimeOffset start, int earlier)
{
    private const int MaxLineLength = 200;
    private readonly List<string> members = [];
    private readonly HashSet<string> memberKeys = new(StringComparer.Ordinal);

    public string Channel { get; } = channel;

    public DateTimeOffset Start { get; } = start;

    public DateTimeOffset LastArrival { get; private set; } = start;

    /// <summary>The digest's ts once posted; its thread holds the members' messages.</summary>
    public string? DigestTs { get; set; }

    /// <summary>The channel ID Slack answered the digest's post with (the configured name may not be an ID).</summary>
    public string? DigestChannel { get; set; }

    /// <summary>Alerts in the digest's thread. The per-channel delivery lock is held by whoever touches a storm.</summary>
    public int Count => members.Count;

    /// <summary>New groups of the storm: those of the window that started it (with messages of their own) and the thread's.</summary>
    public int Total => earlier + members.Count;

    internal void Arrived(DateTimeOffset at)
    {
        if (at > LastArrival)
            LastArrival = at;
    }

    /// <summary>Adds a group's one-line summary (raw text; escaped when rendered). A retried group is listed once.</summary>
    public void Add(string groupIdentity, string line)
    {
        if (memberKeys.Add(groupIdentity))
            members.Add(line);
    }

    /// <summary>"🌩 12 alerts in 30 s — 7 in this thread", then one escaped line per thread alert within Slack's limits.</summary>
    public SlackMessage Digest()
    {
        var seconds = Math.Max(1, (int)Math.Ceiling((LastArrival - Start).TotalSeconds));
        var title = string.Create(CultureInfo.InvariantCulture,
            $"🌩 {Total} alerts in {seconds} s — {members.Count} in this thread");

        var list = new StringBuilder();
        var listed = 0;
        foreach (var member in members)
        {
            var line = "• " + SlackText.EscapeWithin(SlackText.SingleLine(member), MaxLineLength).Text;
            // Keep room for the "…and N more" line.
            if (list.Length + line.Length + 1 > SlackText.MaxTextLength - 40)
                break;
            list.Append(line).Append('\n');
            listed++;
        }
        if (listed < members.Count)
            list.Append(CultureInfo.InvariantCulture, $"…and {members.Count - listed} more");

        var blocks = new List<SlackBlock> { new HeaderBlock(TextObject.Plain(title)) };
        if (list.Length > 0)
            blocks.Add(new SectionBlock(TextObject.Mrkdwn(list.ToString().TrimEnd('\n'))));
        var fallback = SlackText.EscapeWithin(title + ": " + string.Join(", ", members.Take(20).Select(SlackText.SingleLine)), 600).Text;
        return new SlackMessage(fallback, blocks, []);
    }
}
