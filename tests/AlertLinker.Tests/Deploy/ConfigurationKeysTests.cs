namespace AlertLinker.Tests.Deploy;

/// <summary>The key catalog the deploy tests check manifests against: it must know real keys and refuse near misses.</summary>
public sealed class ConfigurationKeysTests
{
    [Theory]
    [InlineData("AlertLinker__Storage__Path")]
    [InlineData("AlertLinker__Sources__Alertmanager__BearerToken")]
    [InlineData("AlertLinker__Sources__Alertmanager__BasicAuth__Password")]
    [InlineData("AlertLinker__Sources__PagerDuty__SigningSecrets__0")]
    [InlineData("AlertLinker__Slack__Routes__1__Channel")]
    [InlineData("AlertLinker__Services__Aliases__checkout-svc")]
    [InlineData("ASPNETCORE_HTTP_PORTS")]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("DOTNET_ENVIRONMENT")]
    public void RealSettingsAreKnown(string variable) => Assert.Null(ConfigurationKeys.ProblemWith(variable));

    [Theory]
    [InlineData("AlertLinker__Storage__Paht")]
    [InlineData("AlertLinker__Slack__Token")]
    [InlineData("AlertLinker__Storage__FullPath")]
    [InlineData("AlertLinker__Sources__Alertmanager")]
    [InlineData("ASPNETCORE_HTTPPORTS")]
    [InlineData("ALERTLINKER_STORAGE_PATH")]
    public void TyposComputedPropertiesAndForeignNamesAreRefused(string variable) => Assert.NotNull(ConfigurationKeys.ProblemWith(variable));
}
