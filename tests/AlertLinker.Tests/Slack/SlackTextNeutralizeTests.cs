using AlertLinker.Slack;

namespace AlertLinker.Tests.Slack;

public sealed class SlackTextNeutralizeTests
{
    private static readonly char[] Spoofing =
        [.. Enumerable.Range(0x202A, 5).Concat(Enumerable.Range(0x2066, 4)).Concat(Enumerable.Range(0x200B, 5)).Select(c => (char)c)];

    [Fact]
    public void EveryBidiOverrideAndZeroWidthCharacterIsGoneAfterEscaping()
    {
        Assert.Equal(14, Spoofing.Length);
        foreach (var c in Spoofing)
        {
            var escaped = SlackText.Escape($"checkout{c}-svc <p99>");

            Assert.Equal("checkout-svc &lt;p99&gt;", escaped);
        }
    }

    [Fact]
    public void AnOverrideCannotMakeALinkLabelOrTruncatedTextReadOtherwise()
    {
        // "exe.txt" shown as "txt.exe" by U+202E, and a zero-width space splitting a word.
        var label = SlackText.Link(new Uri("https://jaeger.example.com/trace/1"), "invoice\u202Etxt.exe\u200B");
        var cut = SlackText.EscapeWithin("a\u2066b\u2069c" + new string('x', 50), 20);

        Assert.Equal("<https://jaeger.example.com/trace/1|invoicetxt.exe>", label);
        Assert.DoesNotContain(cut.Text, c => Spoofing.Contains(c));
        Assert.StartsWith("abc", cut.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void OrdinaryTextAndEmojiAreLeftAlone()
    {
        const string text = "🔥 FIRING: HighLatency — checkout p99 812 ms (ünïcödé, 日本語)";

        Assert.Same(text, SlackText.Neutralize(text));
        Assert.Equal(text, SlackText.Escape(text));
    }
}
