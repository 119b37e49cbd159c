using AlertLinker.Configuration;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.Configuration;

namespace AlertLinker.Tests.Configuration;

public sealed class ConfigurationKeysTests
{
    private static (IReadOnlyList<UnknownKey> Unknown, IReadOnlyList<string> BadValues) Check(params (string Key, string Value)[] settings) =>
        ConfigurationKeys.Check(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("AlertLinker:" + s.Key, (string?)s.Value)))
            .Build());

    [Fact]
    public void EveryKeyOfTheShippedExampleConfigurationIsRead()
    {
        var example = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(SharedFixtures.FindRepoRoot(), "appsettings.example.json"))
            .Build();

        var (unknown, bad) = ConfigurationKeys.Check(example);

        Assert.Empty(unknown);
        Assert.Empty(bad);
    }

    [Fact]
    public void AMisspelledKeyIsNamedWithTheKeyItMostResembles()
    {
        var (unknown, _) = Check(("Sources:Alertmanager:BearerTokn", "x"), ("Slak:BotToken", "xoxb-1"), ("Backends:jaeger:Type", "Jaeger"), ("Backends:jaeger:SerchLimit", "5"));

        Assert.Contains(new UnknownKey("AlertLinker:Sources:Alertmanager:BearerTokn", "AlertLinker:Sources:Alertmanager:BearerToken"), unknown);
        Assert.Contains(new UnknownKey("AlertLinker:Slak", "AlertLinker:Slack"), unknown);
        Assert.Contains(new UnknownKey("AlertLinker:Backends:jaeger:SerchLimit", "AlertLinker:Backends:jaeger:SearchLimit"), unknown);
        Assert.Equal(3, unknown.Count);
    }

    [Fact]
    public void AKeyLikeNothingKnownHasNoSuggestion()
    {
        var (unknown, _) = Check(("Storage:CompletelyDifferent", "x"));

        Assert.Equal(new UnknownKey("AlertLinker:Storage:CompletelyDifferent", null), Assert.Single(unknown));
    }

    [Fact]
    public void KeysOfListsDictionariesAndNestedObjectsAreKnown()
    {
        var (unknown, bad) = Check(
            ("Slack:Routes:0:Match", "team=\"x\""), ("Slack:Routes:0:Channel", "C1"),
            ("Services:Aliases:checkout-svc", "checkout"),
            ("Sources:Alertmanager:BasicAuth:Username", "u"),
            ("Backends:tempo:Type", "Tempo"), ("Backends:tempo:Headers:X-Scope-OrgID", "t1"),
            ("LogLinks:loki:Type", "Loki"), ("LogLinks:loki:GrafanaUrl", "http://127.0.0.1:3000/"));

        Assert.Empty(unknown);
        Assert.Empty(bad);
    }

    [Fact]
    public void EveryValueThatIsNotItsTypeIsReportedNotOnlyTheFirst()
    {
        var (_, bad) = Check(
            ("Enrichment:Budget", "five seconds"), ("Enrichment:Exemplars", "three"),
            ("Backends:jaeger:Type", "Jaeger"), ("Backends:jaeger:AttemptTimeout", "3 secs"),
            ("Sources:Alertmanager:AllowAnonymous", "yes"), ("LogLinks:x:Type", "Splunk"));

        Assert.Equal(5, bad.Count);
        Assert.Contains($"AlertLinker:Enrichment:Budget: 'five seconds' is not a duration; {HumaneDuration.Forms}", bad);
        Assert.Contains("AlertLinker:Enrichment:Exemplars: 'three' is not a whole number", bad);
        Assert.Contains(bad, b => b.StartsWith("AlertLinker:Backends:jaeger:AttemptTimeout: '3 secs' is not a duration", StringComparison.Ordinal));
        Assert.Contains("AlertLinker:Sources:Alertmanager:AllowAnonymous: 'yes' is not true or false", bad);
        Assert.Contains("AlertLinker:LogLinks:x:Type: 'Splunk' is not one of: Loki, UrlTemplate", bad);
    }
}
