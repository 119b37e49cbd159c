using AlertLinker.Analysis;

namespace AlertLinker.Tests.Analysis;

public sealed class AttributePatternsTests
{
    private static TraceProfile Profile(int n, double ms, bool error = false, params (string Key, string Value)[] attributes) =>
        new($"{n:x32}", TimeSpan.FromMilliseconds(ms), error,
            attributes.GroupBy(a => a.Key).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(a => a.Value).ToList()));

    /// <summary>4 slow traces of tenant acme; of the 8 fast ones one is acme too, the rest spread over other tenants.</summary>
    internal static List<TraceProfile> SlowAcme()
    {
        var profiles = new List<TraceProfile>();
        for (var i = 0; i < 4; i++)
            profiles.Add(Profile(i, 1800 + i * 100, false, ("tenant.id", "acme"), ("deployment.environment", "prod"), ("k8s.pod.name", $"checkout-{i}")));
        string[] tenants = ["acme", "globex", "initech", "umbrella", "globex", "initech", "umbrella", "hooli"];
        for (var i = 0; i < 8; i++)
            profiles.Add(Profile(10 + i, 120 + i * 10, false, ("tenant.id", tenants[i]), ("deployment.environment", "prod"), ("k8s.pod.name", $"checkout-{i % 4}")));
        return profiles;
    }

    [Fact]
    public void SlowTracesThatShareATenantTheFastOnesDoNotHaveAreReportedWithCounts()
    {
        var pattern = Assert.Single(AttributePatterns.Find(SlowAcme()));

        Assert.Equal(("tenant.id", "acme", 4, 4, 1, 8), (pattern.Key, pattern.Value, pattern.InOutliers, pattern.Outliers, pattern.InOthers, pattern.Others));
        Assert.Equal("tenant.id = acme in 4 of 4 slow traces, 1 of 8 others", pattern.Summary);
    }

    [Fact]
    public void AValueEveryTraceCarriesIsNoPattern()
    {
        // deployment.environment = prod is in all 12: nothing that tells slow from fast.
        Assert.DoesNotContain(AttributePatterns.Find(SlowAcme()), p => p.Key == "deployment.environment");
    }

    [Fact]
    public void NothingIsSaidWhenSlowAndFastTracesLookAlike()
    {
        var profiles = new List<TraceProfile>();
        string[] tenants = ["acme", "globex", "initech", "umbrella"];
        for (var i = 0; i < 12; i++)
            profiles.Add(Profile(i, i < 4 ? 2000 : 150, false, ("tenant.id", tenants[i % 4]), ("region", "eu-west-1")));

        Assert.Empty(AttributePatterns.Find(profiles));
    }

    [Fact]
    public void AValueOnlyOneSlowTraceCarriesIsNeverReportedAsAPattern()
    {
        // One slow trace of tenant acme and one failing trace of globex: each value is in one trace only.
        var profiles = new List<TraceProfile>
        {
            Profile(1, 2000, false, ("tenant.id", "acme")),
            Profile(2, 150, true, ("tenant.id", "globex")),
        };
        for (var i = 0; i < 6; i++)
            profiles.Add(Profile(10 + i, 150 + i, false, ("tenant.id", "initech")));

        Assert.Empty(AttributePatterns.Find(profiles));
    }

    [Fact]
    public void FailingTracesCountAsOutliersAndTheWordSaysSo()
    {
        var profiles = new List<TraceProfile>();
        for (var i = 0; i < 3; i++)
            profiles.Add(Profile(i, 150, true, ("service.version", "2.4.1")));
        for (var i = 0; i < 5; i++)
            profiles.Add(Profile(10 + i, 150, false, ("service.version", "2.4.0")));

        var pattern = Assert.Single(AttributePatterns.Find(profiles));
        Assert.Equal("service.version = 2.4.1 in 3 of 3 failing traces, 0 of 5 others", pattern.Summary);
    }

    [Fact]
    public void WithoutOtherTracesToCompareWithNothingIsSaid()
    {
        var profiles = Enumerable.Range(0, 4).Select(i => Profile(i, 2000, true, ("tenant.id", "acme"))).ToList();

        Assert.Empty(AttributePatterns.Find(profiles));
    }

    [Fact]
    public void ProfilesNormalizeStatementsAndReadResourceAttributes()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "checkout", "GET /checkout", 0, 100, attributes: [("tenant.id", "acme")]);
        trace.Add(root, "checkout", "SELECT", 1, 10, attributes: [("db.statement", "SELECT * FROM orders WHERE id = 41")]);
        trace.Add(root, "checkout", "SELECT", 12, 10, attributes: [("db.statement", "SELECT * FROM orders WHERE id = 42")]);
        var built = trace.Build();
        built = built with { Spans = [.. built.Spans.Select(s => s with { Resource = new Dictionary<string, string> { ["host.name"] = "node-7" } })] };

        var profile = TraceProfiles.Of(built, TimeSpan.FromMilliseconds(100), false, TraceProfiles.DefaultKeys);

        Assert.Equal(["SELECT * FROM orders WHERE id = ?"], profile.Attributes["db.statement"]);
        Assert.Equal(["node-7"], profile.Attributes["host.name"]);
        Assert.Equal(["acme"], profile.Attributes["tenant.id"]);
        Assert.False(profile.Attributes.ContainsKey("customer.id"));
    }

    [Fact]
    public void ATraceTouchingManyValuesOfAKeyIsAboutNoneOfThem()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "batch", "POST /orders/bulk", 0, 100);
        for (var i = 0; i < TraceProfiles.MaxValuesPerKey + 1; i++)
            trace.Add(root, "batch", "handle", i, 1, attributes: [("order.id", $"o-{i}")]);

        var profile = TraceProfiles.Of(trace.Build(), null, false, ["order.id"]);

        Assert.Empty(profile.Attributes);
    }
}
