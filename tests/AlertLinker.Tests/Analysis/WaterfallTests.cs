using System.Text;
using AlertLinker.Analysis;
using AlertLinker.Backends;

namespace AlertLinker.Tests.Analysis;

public sealed class WaterfallTests
{
    [Fact]
    public void TheSeedPictureIsDrawnWithTheCulpritMarked()
    {
        var waterfall = TraceAnalyzer.Analyze(TraceBuilder.Seed()).Waterfall;

        Assert.Equal(
            """
            checkout-service GET /checkout [800ms]
            ├─ product-service GET /products [12ms]
            └─ inventory-service GET /stock [790ms]
               └─ inventory-service SELECT stock [788ms] ← here
            """.ReplaceLineEndings("\n"),
            waterfall);
    }

    [Fact]
    public void RepeatedSiblingsCollapseIntoOneLine()
    {
        var waterfall = TraceAnalyzer.Analyze(TraceBuilder.NPlusOne()).Waterfall;

        Assert.Equal(
            """
            product-service GET /products [900ms]
            ├─ product-service SELECT products [15ms]
            ├─ product-service SELECT prices [4ms]
            └─ … 199 more × SELECT price FROM prices WHERE id = ? [856ms total] ← here
            """.ReplaceLineEndings("\n"),
            waterfall);
    }

    [Fact]
    public void ThePathsToTheCulpritAndTheErrorOriginAreShownFirstInABigTrace()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "edge", "GET /", 0, 10_000);
        for (var i = 0; i < 50; i++)
        {
            var child = trace.Add(root, $"svc{i}", "handle", i * 200, 200);
            for (var j = 0; j < 5; j++)
            {
                var slow = i == 10 && j == 3;
                var failing = i == 40 && j == 1;
                // Five different steps: "step 0" … "step 4" would be one class of look-alikes ("step ?") and, at 4 × 40 ms, the headline.
                trace.Add(child, $"svc{i}", slow ? "slow query" : failing ? "failing call" : Steps[j], i * 200 + j * 40, slow ? 80 : 40,
                    failing ? SpanStatus.Error : SpanStatus.Unset);
            }
        }

        var insights = TraceAnalyzer.Analyze(trace.Build());
        var lines = insights.Waterfall.Split('\n');

        TraceAnalyzerTests.AssertBounded(insights.Waterfall, new AnalysisOptions());
        Assert.Equal("edge GET / [10s]", lines[0]);
        Assert.Contains("│  └─ svc10 slow query [80ms] ← here", lines);
        Assert.Contains(lines, l => l.EndsWith("└─ svc40 failing call [40ms] ✗ ← error origin", StringComparison.Ordinal));
        Assert.Equal("… 290 more spans not shown", lines[^1]);
        Assert.Equal(12, lines.Length);
    }

    private static readonly string[] Steps = ["parse", "load", "price", "render", "audit"];

    [Fact]
    public void ALongPathKeepsItsRootAndItsLowestSpansAroundAnElision()
    {
        var trace = new TraceBuilder();
        string? parent = null;
        for (var i = 0; i < 30; i++)
            parent = trace.Add(parent, "svc", $"level {i}", i, 1000 - 2 * i);
        trace.Add(parent, "db", "SELECT", 40, 900);

        var lines = TraceAnalyzer.Analyze(trace.Build(), new AnalysisOptions { WaterfallMaxLines = 8 }).Waterfall.Split('\n');

        // Every hidden span is inside the elision, so no "… more spans" trailer repeats them.
        Assert.Equal(7, lines.Length);
        Assert.Equal("svc level 0 [1000ms]", lines[0]);
        Assert.Equal("└─ ⋮ 25 nested spans", lines[1]);
        Assert.Equal("   └─ svc level 26 [948ms]", lines[2]);
        Assert.EndsWith("db SELECT [900ms] ← here", lines[6], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 30)]
    [InlineData(6, 40)]
    [InlineData(12, 100)]
    [InlineData(30, 60)]
    public void RandomTracesStayWithinTheLinesAndTheWidth(int lines, int width)
    {
        var options = new AnalysisOptions { WaterfallMaxLines = lines, WaterfallMaxWidth = width };
        for (var seed = 0; seed < 20; seed++)
        {
            var insights = TraceAnalyzer.Analyze(TraceAnalyzerTests.RandomTrace(300, seed), options);

            TraceAnalyzerTests.AssertBounded(insights.Waterfall, options);
            Assert.Contains(insights.Waterfall.Split('\n'), l => l.EndsWith("← here", StringComparison.Ordinal) || l.EndsWith("← here, error origin", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void LongNamesAreCutOnWholeCharactersAndKeepDurationAndMarker()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "checkout-service", "GET /checkout", 0, 800);
        trace.Add(root, "inventory-service", string.Concat(Enumerable.Repeat("SELECT 👩‍💻 😀 stock\nFROM inventory ", 20)), 5, 790);
        var options = new AnalysisOptions { WaterfallMaxWidth = 60 };

        var waterfall = TraceAnalyzer.Analyze(trace.Build(), options).Waterfall;
        var lines = waterfall.Split('\n');

        TraceAnalyzerTests.AssertBounded(waterfall, options);
        Assert.Equal(2, lines.Length);
        Assert.EndsWith("… [790ms] ← here", lines[1], StringComparison.Ordinal);
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        Assert.All(lines, line => strict.GetBytes(line)); // throws on a surrogate cut in half
    }

    [Fact]
    public void ANarrowWaterfallStillShowsTheMarker()
    {
        var options = new AnalysisOptions { WaterfallMaxWidth = 30 };

        var lines = TraceAnalyzer.Analyze(TraceBuilder.Seed(), options).Waterfall.Split('\n');

        Assert.Equal("   └─ inventor… [788ms] ← here", lines[3]);
        TraceAnalyzerTests.AssertBounded(string.Join('\n', lines), options);
    }

    [Fact]
    public void OptionsBelowTheMinimumAreClampedNotObeyed()
    {
        var insights = TraceAnalyzer.Analyze(TraceAnalyzerTests.RandomTrace(100, 1), new AnalysisOptions { WaterfallMaxLines = 1, WaterfallMaxWidth = 5 });

        var lines = insights.Waterfall.Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.True(l.Length <= 30));
    }
}
