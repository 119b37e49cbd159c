using AlertLinker.Slack;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Slack;

public sealed class SlackOptionsTests
{
    [Fact]
    public void NothingConfiguredIsADryRunAgainstSlacksApi()
    {
        var options = Options();

        Assert.Equal(SlackMode.DryRun, options.Mode);
        Assert.Equal(new Uri("https://slack.com/api/"), options.ApiUrl);
    }

    [Fact]
    public void TokenAndChannelIsBotMode()
    {
        Assert.Equal(SlackMode.BotToken, Options(("BotToken", "xoxb-1"), ("Channel", "C1")).Mode);
    }

    [Fact]
    public void WebhookUrlAloneIsWebhookMode()
    {
        Assert.Equal(SlackMode.IncomingWebhook, Options(("WebhookUrl", "https://hooks.slack.com/services/T/B/x")).Mode);
    }

    [Fact]
    public void BotTokenWithoutChannelFailsWithWhatToSet()
    {
        var error = Invalid(("BotToken", "xoxb-1"));

        Assert.Contains("AlertLinker:Slack: BotToken is set but Channel is not: set AlertLinker:Slack:Channel", error);
    }

    [Fact]
    public void TokenAndWebhookTogetherFail()
    {
        var error = Invalid(("BotToken", "xoxb-1"), ("Channel", "C1"), ("WebhookUrl", "https://hooks.slack.com/services/T/B/x"));

        Assert.Contains("set either BotToken + Channel", error);
    }

    [Fact]
    public void NonHttpApiUrlFails()
    {
        var error = Invalid(("ApiUrl", "ftp://slack.example.com/api/"));

        Assert.Contains("ApiUrl must be an absolute http(s) URL such as https://slack.com/api/, got 'ftp://slack.example.com/api/'", error);
    }

    [Fact]
    public void RelativeApiUrlFails()
    {
        Assert.Contains("ApiUrl must be an absolute http(s) URL", Invalid(("ApiUrl", "slack.com/api")));
    }

    [Fact]
    public void NonHttpWebhookUrlFailsWithoutShowingTheSecretUrl()
    {
        var error = Invalid(("WebhookUrl", "ftp://hooks.example.com/services/T/B/SeCrEt"));

        Assert.Contains("WebhookUrl must be an http(s) URL", error);
        Assert.DoesNotContain("SeCrEt", error);
    }

    [Fact]
    public void WebhookUrlInTheTokenKeyIsCaught()
    {
        var error = Invalid(("BotToken", "https://hooks.slack.com/services/T/B/x"), ("Channel", "C1"));

        Assert.Contains("BotToken looks like a URL", error);
    }

    [Fact]
    public void TimeoutOutOfRangeFails()
    {
        Assert.Contains("Timeout", Invalid(("Timeout", "00:10:00")));
    }

    [Fact]
    public void ARouteWithABadMatcherNamesTheRouteTheColumnAndTheReason()
    {
        var message = Invalid(("BotToken", "xoxb-1"), ("Channel", "C1"),
            ("Routes:0:Match", "team=\"payments\""), ("Routes:0:Channel", "CPAY"),
            ("Routes:1:Match", "severity=~\"(critical\""), ("Routes:1:Channel", "CPAY2"));

        Assert.Contains("AlertLinker:Slack: Routes:1: Match 'severity=~\"(critical\"' is not a valid matcher list at column", message);
        Assert.DoesNotContain("Routes:0", message);
    }

    [Fact]
    public void ARouteWithoutAChannelOrMatchIsRefused()
    {
        Assert.Contains("Routes:0: Channel is empty", Invalid(("BotToken", "xoxb-1"), ("Channel", "C1"), ("Routes:0:Match", "team=\"x\"")));
        Assert.Contains("Routes:0: Match is empty", Invalid(("BotToken", "xoxb-1"), ("Channel", "C1"), ("Routes:0:Channel", "CX")));
    }

    [Fact]
    public void RoutesInIncomingWebhookModeAreRefusedBecauseAWebhookHasOneChannel()
    {
        var message = Invalid(("WebhookUrl", "https://hooks.slack.com/services/T/B/X"),
            ("Routes:0:Match", "team=\"payments\""), ("Routes:0:Channel", "CPAY"));

        Assert.Contains("Routes need bot mode", message);
    }

    [Fact]
    public void ValidRoutesPaceAndStormSettingsAreAccepted()
    {
        var options = Options(("BotToken", "xoxb-1"), ("Channel", "C1"),
            ("Routes:0:Match", "{team=\"payments\", severity=~\"critical|page\"}"), ("Routes:0:Channel", "CPAY"),
            ("PaceInterval", "00:00:02"), ("PaceBurst", "5"), ("StormThreshold", "10"), ("StormWindow", "00:01:00"));

        Assert.Equal("CPAY", Assert.Single(options.Routes).Channel);
        Assert.Equal(TimeSpan.FromSeconds(2), options.PaceInterval);
        Assert.Equal(10, options.StormThreshold);
    }

    [Fact]
    public void PaceAndStormDefaultsAreOneMessageASecondAndMoreThanFiveGroupsIn30Seconds()
    {
        var options = new SlackOptions();

        Assert.Equal(TimeSpan.FromSeconds(1), options.PaceInterval);
        Assert.Equal(3, options.PaceBurst);
        Assert.Equal(5, options.StormThreshold);
        Assert.Equal(TimeSpan.FromSeconds(30), options.StormWindow);
    }

    [Theory]
    [InlineData("my-token")]
    [InlineData("xoxp-1-user-token")]
    [InlineData("xapp-1-app-token")]
    public void ATokenThatIsNotABotTokenFailsWithWhereToFindOneAndNeverShowsIt(string token)
    {
        var error = Invalid(("BotToken", token), ("Channel", "C1"));

        Assert.Contains("AlertLinker:Slack:BotToken is not a bot token: it must start with xoxb-", error);
        Assert.DoesNotContain(token, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#payments")]
    [InlineData("payments")]
    [InlineData("c0payments")]
    public void ARouteToAChannelNameFailsWithTheIdToWriteInstead(string channel)
    {
        var error = Invalid(("BotToken", "xoxb-1"), ("Channel", "C1"), ("Routes:0:Match", "team=\"payments\""), ("Routes:0:Channel", channel));

        Assert.Contains($"AlertLinker:Slack:Routes:0:Channel is '{channel}'; write the channel ID (C… or G…", error);
    }

    [Theory]
    [InlineData("C0123ABCD", true)]
    [InlineData("G0PRIVATE1", true)]
    [InlineData("#alerts", false)]
    [InlineData("alerts", false)]
    [InlineData("C", false)]
    [InlineData(null, false)]
    public void ChannelIdsArePublicOrPrivateChannelIdsInCapitals(string? channel, bool isId)
    {
        Assert.Equal(isId, SlackOptions.IsChannelId(channel));
    }

    private static SlackOptions Options(params (string Key, string Value)[] settings) =>
        Provider(settings).GetRequiredService<IOptions<SlackOptions>>().Value;

    private static string Invalid(params (string Key, string Value)[] settings) =>
        Assert.Throws<OptionsValidationException>(() => Options(settings)).Message;

    private static ServiceProvider Provider((string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(SlackOptions.SectionName + ":" + s.Key, (string?)s.Value)))
            .Build();
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging()
            .AddSlack()
            .BuildServiceProvider();
    }
}
