using AlertLinker.Operability;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace AlertLinker.Tests.Operability;

public sealed class ListenAddressTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => s.Key, s => (string?)s.Value)).Build();

    [Fact]
    public void WithNothingConfiguredAServerListensOnEveryInterfaceOfPort8080() =>
        Assert.Equal("http://0.0.0.0:8080", ListenAddress.DefaultUnlessConfigured(Configuration()));

    [Theory]
    [InlineData("urls", "http://127.0.0.1:5055")]
    [InlineData("http_ports", "9191")]
    [InlineData("https_ports", "9443")]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:5056")]
    public void AnyConfiguredAddressWins(string key, string value) =>
        Assert.Null(ListenAddress.DefaultUnlessConfigured(Configuration((key, value))));

    [Fact]
    public void TheUrlsArgumentReachesTheConfigurationTheDefaultIsDecidedOn()
    {
        // The host's own pipeline: --urls on the command line becomes the "urls" key.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--urls", "http://127.0.0.1:5057"] });

        Assert.Null(ListenAddress.DefaultUnlessConfigured(builder.Configuration));
    }
}
