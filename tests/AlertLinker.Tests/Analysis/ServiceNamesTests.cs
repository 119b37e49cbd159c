using AlertLinker.Analysis;

namespace AlertLinker.Tests.Analysis;

public sealed class ServiceNamesTests
{
    private static readonly string[] Known = ["billing-service", "checkout", "frontend", "inventory-service"];

    [Fact]
    public void AServiceTheBackendKnowsOnlyUnderALongerNameGetsADidYouMeanWithTheAliasLine()
    {
        var gap = ServiceNames.Explain("jaeger", "billing", "billing", Known, "14:02–14:22 UTC, 20 min");

        Assert.False(gap.ServiceKnown);
        Assert.Equal(["billing-service"], gap.Suggestions);
        Assert.Equal("AlertLinker:Services:Aliases:billing = billing-service", gap.AliasLine);
        Assert.Equal("jaeger does not know the service billing; did you mean billing-service? Add `AlertLinker:Services:Aliases:billing = billing-service`.", gap.Text);
    }

    [Fact]
    public void TheAliasLineIsKeyedByTheLabelValueAsTheAlertSpelledIt()
    {
        // The label said "billing-svc", an existing alias made it "billing": the fix replaces that alias.
        var gap = ServiceNames.Explain("tempo", "billing", "billing-svc", Known, "window");

        Assert.Equal("AlertLinker:Services:Aliases:billing-svc = billing-service", gap.AliasLine);
    }

    [Fact]
    public void ATypoIsCloseEnoughForASuggestion()
    {
        Assert.Equal(["inventory-service"], ServiceNames.Closest("inventroy-service", Known));
    }

    [Fact]
    public void AServiceTheBackendKnowsIsNotRenamedAndTheNoteSpeaksOfSamplingAndRetention()
    {
        var gap = ServiceNames.Explain("jaeger", "checkout", "checkout", Known, "14:02–14:22 UTC, 20 min");

        Assert.True(gap.ServiceKnown);
        Assert.Empty(gap.Suggestions);
        Assert.Null(gap.AliasLine);
        Assert.Contains("jaeger knows checkout but has no trace of it in 14:02–14:22 UTC, 20 min", gap.Text, StringComparison.Ordinal);
        Assert.Contains("tail sampling", gap.Text, StringComparison.Ordinal);
        Assert.Contains("retention", gap.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void NoNameCloseToTheServiceMeansNoSuggestion()
    {
        var gap = ServiceNames.Explain("zipkin", "payments", null, Known, "window");

        Assert.False(gap.ServiceKnown);
        Assert.Empty(gap.Suggestions);
        Assert.Null(gap.AliasLine);
        Assert.Equal("zipkin does not know the service payments (it knows 4 other services).", gap.Text);
    }
}
