using AlertLinker.Analysis;

namespace AlertLinker.Tests.Analysis;

public sealed class CauseAgreementTests
{
    [Fact]
    public void ThreeSlowTracesBlamingTheSameQueryWithOtherLiteralsAgree()
    {
        var traces = new[] { ("4bf92f3577b34da6a3ce929d0e0e4736", "A-1"), ("5b8aa5a2d2c872e8321cf37308d69df2", "B-7"), ("0af7651916cd43dd8448eb211c80319c", "C-3") }
            .Select(t => TraceAnalyzer.Analyze(TraceBuilder.Seed(t.Item1, t.Item2)))
            .ToList();

        var agreement = CauseAgreement.Compare(traces);

        Assert.True(agreement.Agree);
        Assert.Equal("the same in 3 of 3 slow traces", agreement.Describe("slow traces"));
        var cause = Assert.Single(agreement.Causes);
        Assert.Same(traces[0].Headline, cause.Headline);
        Assert.Equal(traces.Select(t => t.TraceId), cause.TraceIdList);
    }

    [Fact]
    public void DifferentCausesAreEachGivenOnceTheMostCommonFirst()
    {
        var nPlusOne = TraceAnalyzer.Analyze(TraceBuilder.DecoyNPlusOne());
        var seedA = TraceAnalyzer.Analyze(TraceBuilder.Seed("5b8aa5a2d2c872e8321cf37308d69df2"));
        var seedB = TraceAnalyzer.Analyze(TraceBuilder.Seed("0af7651916cd43dd8448eb211c80319c", sku: "Z-9"));

        var agreement = CauseAgreement.Compare([nPlusOne, seedA, seedB]);

        Assert.False(agreement.Agree);
        Assert.Equal("the same in 2 of 3 traces", agreement.Describe());
        Assert.Equal([2, 1], agreement.Causes.Select(c => c.Traces));
        Assert.IsType<CulpritFinding>(agreement.Causes[0].Headline);
        Assert.IsType<FanOutFinding>(agreement.Causes[1].Headline);
    }

    [Fact]
    public void AllDifferentSaysHowManyCauses()
    {
        var agreement = CauseAgreement.Compare([TraceAnalyzer.Analyze(TraceBuilder.DecoyNPlusOne()), TraceAnalyzer.Analyze(TraceBuilder.Seed())]);

        Assert.Equal("2 different causes in 2 traces", agreement.Describe());
    }

    [Fact]
    public void OneTraceOrNoneIsNoAgreement()
    {
        Assert.False(CauseAgreement.Compare([TraceAnalyzer.Analyze(TraceBuilder.Seed())]).Agree);
        var none = CauseAgreement.Compare([TraceAnalyzer.Analyze(new Trace("t", []))]);
        Assert.Empty(none.Causes);
        Assert.Equal("no cause found in the trace", none.Describe());
    }
}
