using System.Globalization;
using System.Text;
using AlertLinker.Slack;

namespace AlertLinker.Tests.Slack;

public sealed class SlackTextTests
{
    [Fact]
    public void EscapeReplacesAmpersandFirstThenAngleBrackets()
    {
        Assert.Equal("a &amp; &lt;b&gt;", SlackText.Escape("a & <b>"));
        // An entity in the input is text, not markup: its & is escaped too.
        Assert.Equal("&amp;lt;!channel&amp;gt;", SlackText.Escape("&lt;!channel&gt;"));
    }

    [Theory]
    [InlineData("<!channel>")]
    [InlineData("<!here>")]
    [InlineData("<!everyone>")]
    [InlineData("<@U012AB3CD>")]
    [InlineData("<#C024BE91L>")]
    [InlineData("<!subteam^S123>")]
    [InlineData("<https://evil.example.com|click here>")]
    public void EscapedTextHoldsNoSlackControlSequence(string hostile)
    {
        var escaped = SlackText.Escape("before " + hostile + " after");

        Assert.DoesNotContain('<', escaped);
        Assert.DoesNotContain('>', escaped);
        Assert.Contains("&lt;", escaped);
    }

    [Fact]
    public void TruncateNeverSplitsASurrogatePair()
    {
        // "abc" + U+1F6A8 (two UTF-16 units) + "def": a cut at 5 units would land inside the emoji.
        var fitted = SlackText.Truncate("abc🚨def", 5);

        Assert.True(fitted.Cut);
        Assert.Equal("abc…", fitted.Text);
        AssertWellFormed(fitted.Text);
    }

    [Fact]
    public void TruncateKeepsAJoinedEmojiWhole()
    {
        const string family = "👨‍👩‍👧"; // three emoji joined by ZWJ: one text element, 8 UTF-16 units
        var fitted = SlackText.Truncate("x" + family + family, 12);

        Assert.Equal("x" + family + "…", fitted.Text);
        Assert.Equal(3, new StringInfo(fitted.Text).LengthInTextElements);
    }

    [Fact]
    public void TruncateLeavesShortTextAloneAndSaysSo()
    {
        var fitted = SlackText.Truncate("café ✓ 🚨", 100);

        Assert.False(fitted.Cut);
        Assert.Equal("café ✓ 🚨", fitted.Text);
    }

    [Fact]
    public void EscapeWithinTruncatesBeforeEscapingSoNoEntityIsCutInHalf()
    {
        var fitted = SlackText.EscapeWithin("<<<<<<", 10);

        Assert.True(fitted.Cut);
        Assert.Equal("&lt;&lt;…", fitted.Text);
        Assert.True(fitted.Text.Length <= 10);
    }

    [Fact]
    public void EscapeWithinCountsTheEscapedLengthAgainstTheLimit()
    {
        var raw = new string('&', 2000);

        var fitted = SlackText.EscapeWithin(raw, SlackText.MaxTextLength);

        Assert.True(fitted.Text.Length <= SlackText.MaxTextLength);
        Assert.EndsWith("&amp;…", fitted.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void LinkEscapesTheLabelAndKeepsTheUrlWhole()
    {
        var link = SlackText.Link(new Uri("https://jaeger.example.com/search?service=a&limit=20"), "a|b <!here> & c");

        Assert.Equal("<https://jaeger.example.com/search?service=a&amp;limit=20|a¦b &lt;!here&gt; &amp; c>", link);
    }

    [Fact]
    public void LinkLabelCannotCloseTheLinkEarly()
    {
        var link = SlackText.Link(new Uri("https://x.example.com/"), "label> <https://evil.example.com|click>")!;

        Assert.Equal(1, link.Count(c => c == '<'));
        Assert.Equal(1, link.Count(c => c == '>'));
        Assert.Equal(1, link.Count(c => c == '|'));
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("mailto:oncall@example.com")]
    [InlineData("slack://channel?id=C1")]
    public void LinkIsOnlyBuiltFromHttpUrls(string url)
    {
        var uri = new Uri(url);

        Assert.Null(SlackText.Link(uri, "label"));
        Assert.Equal("a &lt;b&gt;", SlackText.LinkOrLabel(uri, "a <b>"));
    }

    [Fact]
    public void LinkWithEmptyLabelShowsTheHost()
    {
        Assert.Equal("<https://grafana.example.com/d/1|grafana.example.com>", SlackText.Link(new Uri("https://grafana.example.com/d/1"), " "));
    }

    [Fact]
    public void TruncateMrkdwnNeverCutsInsideALink()
    {
        var mrkdwn = "See " + "<https://jaeger.example.com/search?service=checkout&amp;limit=20|Jaeger search>";

        var fitted = SlackText.TruncateMrkdwn(mrkdwn, 30);

        Assert.True(fitted.Cut);
        Assert.Equal("See…", fitted.Text);
    }

    [Fact]
    public void TruncateMrkdwnNeverCutsInsideAnEntity()
    {
        var fitted = SlackText.TruncateMrkdwn("Tom &amp; Jerry", 8);

        Assert.Equal("Tom…", fitted.Text);
    }

    [Fact]
    public void SingleLineTurnsControlCharactersIntoSpaces()
    {
        Assert.Equal("a b c", SlackText.SingleLine("a\nb\tc"));
    }

    private static void AssertWellFormed(string text) =>
        Assert.Equal(text, new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(
            new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(text)));
}
