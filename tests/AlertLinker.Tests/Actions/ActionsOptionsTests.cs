using AlertLinker.Actions;
using Microsoft.Extensions.Configuration;

namespace AlertLinker.Tests.Actions;

public sealed class ActionsOptionsTests
{
    private static (ActionsOptions Options, IReadOnlyList<string> Failures) Read(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new ActionsOptions();
        configuration.GetSection(ActionsOptions.SectionName).Bind(options);
        ActionsOptions.Read(options, configuration);
        var result = new ActionsOptionsValidator().Validate(null, options);
        return (options, result.Failures?.ToList() ?? []);
    }

    [Fact]
    public void TheContractsKeysTurnEverySourceOn()
    {
        var (options, failures) = Read(new()
        {
            ["AlertLinker:Slack:SigningSecret"] = "secret",
            ["AlertLinker:Sources:Alertmanager:ApiUrl"] = "http://am-a:9093,http://am-b:9093/",
            ["AlertLinker:Sources:Grafana:ApiUrl"] = "https://grafana.example.com",
            ["AlertLinker:Sources:Grafana:ApiToken"] = "glsa_token",
            ["AlertLinker:Sources:PagerDuty:ApiToken"] = "pd",
            ["AlertLinker:Sources:PagerDuty:FromEmail"] = "oncall@example.com",
            ["AlertLinker:Sources:Opsgenie:ApiKey"] = "og",
        });

        Assert.Empty(failures);
        Assert.Equal(["alertmanager", "grafana", "pagerduty", "opsgenie"], options.EnabledSources);
        Assert.Equal(["http://am-a:9093/", "http://am-b:9093/"], options.AlertmanagerApiUrls.Select(u => u.AbsoluteUri));
        Assert.Equal("https://grafana.example.com/api/alertmanager/grafana/", options.GrafanaAlertmanagerUrl!.AbsoluteUri);
    }

    [Fact]
    public void SeveralAlertmanagersMayAlsoBeAList()
    {
        var (options, failures) = Read(new()
        {
            ["AlertLinker:Slack:SigningSecret"] = "secret",
            ["AlertLinker:Sources:Alertmanager:ApiUrl:0"] = "http://am-a:9093",
            ["AlertLinker:Sources:Alertmanager:ApiUrl:1"] = "http://am-b:9093",
        });

        Assert.Empty(failures);
        Assert.Equal(2, options.AlertmanagerApiUrls.Count);
    }

    [Fact]
    public void NothingConfiguredIsValidAndOff()
    {
        var (options, failures) = Read(new());

        Assert.Empty(failures);
        Assert.Empty(options.EnabledSources);
    }

    [Fact]
    public void AnActionTargetWithoutTheSigningSecretFailsNamingTheFullKey()
    {
        var (_, failures) = Read(new() { ["AlertLinker:Sources:Alertmanager:ApiUrl"] = "http://am:9093" });

        Assert.Contains(failures, f => f.StartsWith("AlertLinker:Slack:SigningSecret is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("AlertLinker:Sources:Alertmanager:ApiUrl", "am:9093", "AlertLinker:Sources:Alertmanager:ApiUrl must list absolute http(s) URLs")]
    [InlineData("AlertLinker:Sources:PagerDuty:FromEmail", "not an email", "AlertLinker:Sources:PagerDuty:FromEmail must be the email address")]
    [InlineData("AlertLinker:Sources:Grafana:ApiUrl", "ftp://grafana", "AlertLinker:Sources:Grafana:ApiUrl must be an absolute http(s) URL")]
    [InlineData("AlertLinker:Actions:SilenceDurations:0", "00:00:10", "AlertLinker:Actions:SilenceDurations:0 is 00:00:10")]
    [InlineData("AlertLinker:Actions:Restrictions:0:Channel", "C0ALERTS", "AlertLinker:Actions:Restrictions:0 lists no Users and no UserGroups")]
    public void ABadValueFailsNamingItsFullKey(string key, string value, string expected)
    {
        var (_, failures) = Read(new() { ["AlertLinker:Slack:SigningSecret"] = "secret", [key] = value });

        Assert.Contains(failures, f => f.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AFromEmailWithoutAnApiTokenFails()
    {
        var (_, failures) = Read(new() { ["AlertLinker:Slack:SigningSecret"] = "s", ["AlertLinker:Sources:PagerDuty:FromEmail"] = "oncall@example.com" });

        Assert.Contains(failures, f => f.Contains("AlertLinker:Sources:PagerDuty:ApiToken is not", StringComparison.Ordinal));
    }

    [Fact]
    public void APagerDutyTokenAloneOnlyFetchesDetailsAndOffersNoButtons()
    {
        var (options, failures) = Read(new() { ["AlertLinker:Slack:SigningSecret"] = "s", ["AlertLinker:Sources:PagerDuty:ApiToken"] = "read-only" });

        Assert.Empty(failures);
        Assert.False(options.Enabled("pagerduty"));
    }

    [Fact]
    public void TheFailureNeverCarriesASecret()
    {
        var (_, failures) = Read(new()
        {
            ["AlertLinker:Sources:Grafana:ApiUrl"] = "https://grafana",
            ["AlertLinker:Sources:PagerDuty:ApiToken"] = "pd-secret-value",
            ["AlertLinker:Sources:PagerDuty:FromEmail"] = "bad",
        });

        Assert.NotEmpty(failures);
        Assert.DoesNotContain(failures, f => f.Contains("pd-secret-value", StringComparison.Ordinal));
    }
}

public sealed class ActionsStartupTests
{
    [Fact]
    public async Task TheServiceRefusesToStartWithAnAlertmanagerApiUrlButNoSigningSecret()
    {
        AlertLinker.Tests.EndToEnd.EndToEndBinaries.RequireService();

        var exit = await AlertLinker.Tests.Configuration.ServiceProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Sources:Alertmanager:ApiUrl"] = "http://127.0.0.1:9093/",
        }, TimeSpan.FromSeconds(60));

        Assert.True(exit.Code == AlertLinker.Configuration.ConfigurationCheck.ExitCode, $"exit code {exit.Code}:\n{exit.All}");
        Assert.Contains("AlertLinker:Slack:SigningSecret is required", exit.Stderr, StringComparison.Ordinal);
    }
}
