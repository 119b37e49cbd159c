using AlertLinker.Configuration;
using AlertLinker.Tests.EndToEnd;

namespace AlertLinker.Tests.Configuration;

public sealed class ConfigurationCheckTests
{
    private static readonly TimeSpan ExitWithin = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task AnUnknownBackendTypeAndATempoWithoutDatasourceAreBothReportedWithoutAStackTraceAndExitCode2()
    {
        EndToEndBinaries.RequireService();

        var exit = await ServiceProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Backends:jaeger:Type"] = "Jaegr",
            ["Backends:jaeger:ApiUrl"] = "http://127.0.0.1:16686/",
            ["Backends:tempo:Type"] = "Tempo",
            ["Backends:tempo:ApiUrl"] = "http://127.0.0.1:3200/",
            ["Backends:tempo:UiUrl"] = "http://127.0.0.1:3000/",
        }, ExitWithin);

        Assert.True(exit.Code == ConfigurationCheck.ExitCode, $"exit code {exit.Code}:\n{exit.All}");
        var lines = exit.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("AlertLinker:Backends:jaeger:Type is 'Jaegr'; it must be one of: Jaeger, Tempo", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("AlertLinker:Backends:tempo:DatasourceUid is required", StringComparison.Ordinal));
        Assert.Contains("2 configuration problems", exit.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", exit.All, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at \S+\(", exit.All);
    }

    [Fact]
    public async Task MistakesOfDifferentSectionsAreReportedTogetherEachWithItsFullKeyAndWhatToWrite()
    {
        EndToEndBinaries.RequireService();

        var exit = await ServiceProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Enrichment:Budget"] = "5 secs",
            ["Enrichment:Pad"] = "2d",
            ["Delivery:BatchSize"] = "lots",
            ["Sources:Alertmanager:MaxBodyBytes"] = "5",
            ["Storage:DedupeRetention"] = "1h",
            ["Backends:exemplars:Type"] = "PrometheusExemplars",
            ["Backends:exemplars:ApiUrl"] = "http://127.0.0.1:9090/",
            ["Backends:exemplars:TraceBackend"] = "jaegr",
            ["Slack:BotToken"] = "my-token",
            ["Slack:Channel"] = "C0ALERTS",
            ["Slack:Routes:0:Match"] = "team=\"payments\"",
            ["Slack:Routes:0:Channel"] = "#payments",
            ["Sources:Alertmanager:BearerTokn"] = "x",
        }, ExitWithin);

        Assert.True(exit.Code == ConfigurationCheck.ExitCode, $"exit code {exit.Code}:\n{exit.All}");
        Assert.Contains("  AlertLinker:Enrichment:Budget: '5 secs' is not a duration; write 00:00:05 (hh:mm:ss) or 5s", exit.Stderr, StringComparison.Ordinal);
        Assert.Contains("  AlertLinker:Delivery:BatchSize: 'lots' is not a whole number", exit.Stderr, StringComparison.Ordinal);
        Assert.Contains("  AlertLinker:Sources:Alertmanager:MaxBodyBytes must be between 1024", exit.Stderr, StringComparison.Ordinal);
        Assert.Contains("  AlertLinker:Storage:DedupeRetention is 01:00:00; it must be between 48 hours and 365 days", exit.Stderr, StringComparison.Ordinal);
        Assert.Contains("  AlertLinker:Backends:exemplars:TraceBackend is 'jaegr', but there is no AlertLinker:Backends:jaegr", exit.Stderr, StringComparison.Ordinal);
        Assert.Contains("  AlertLinker:Slack:BotToken is not a bot token: it must start with xoxb-", exit.Stderr, StringComparison.Ordinal);
        Assert.Contains("  AlertLinker:Slack:Routes:0:Channel is '#payments'; write the channel ID", exit.Stderr, StringComparison.Ordinal);
        Assert.Contains("  AlertLinker:Enrichment:Pad must be between 00:00:00 and 1.00:00:00.", exit.Stderr, StringComparison.Ordinal);
        Assert.Contains("8 configuration problems", exit.Stderr, StringComparison.Ordinal);
        // Every problem names its full key first, whatever validated it.
        var problems = exit.Stderr.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.Equal(8, problems.Count);
        Assert.All(problems, p => Assert.Matches(@"^  AlertLinker(:[A-Za-z0-9_-]+)+[: ]", p));
        // A typo is a warning (the service would start with it), named with the key it most resembles.
        // One line, with a UTC timestamp (the default console format).
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warn: AlertLinker\.Configuration\.ConfigurationCheck\[9001\] "
            + @"Configuration key AlertLinker:Sources:Alertmanager:BearerTokn is not read by AlertLinker \(did you mean AlertLinker:Sources:Alertmanager:BearerToken\?\)$", exit.Stdout);
        Assert.DoesNotContain("my-token", exit.All, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at \S+\(", exit.All);
    }
}
