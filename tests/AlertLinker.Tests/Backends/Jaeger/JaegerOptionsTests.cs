using AlertLinker.Backends.Jaeger;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Backends.Jaeger;

public sealed class JaegerOptionsTests
{
    [Fact]
    public void ConfigurationWithoutApiUrlFailsWithTheKeyAndAnExample()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new BackendTestHost(BackendTestHost.Settings("jaeger-prod", ("Type", "Jaeger"), ("SearchLimit", "0"))));
        Assert.Contains(error.Failures, f => f.Contains("AlertLinker:Backends:jaeger-prod:ApiUrl is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("SearchLimit must be between 1 and 1500", StringComparison.Ordinal));
    }

    [Fact]
    public void ApiVersionAndMinDurationBindFromConfiguration()
    {
        using var host = new BackendTestHost(BackendTestHost.Settings("j",
            ("Type", "jaeger"), ("ApiUrl", "http://127.0.0.1:1/"), ("Api", "v1"), ("MinDuration", "00:00:00.750")));
        var link = host.Backend("j").BuildLinks(BackendTestHost.Alert("svc", BackendTestHost.Window))[0];
        Assert.Contains("minDuration=750ms", link.Url.Query, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoJaegerInstancesCanBeConfigured()
    {
        var settings = BackendTestHost.Settings("a", ("Type", "Jaeger"), ("ApiUrl", "http://127.0.0.1:1/"));
        foreach (var (key, value) in BackendTestHost.Settings("b", ("Type", "Jaeger"), ("ApiUrl", "http://127.0.0.1:2/")))
            settings[key] = value;
        using var host = new BackendTestHost(settings);
        Assert.Equal("a", host.Backend("a").Name);
        Assert.Equal("b", host.Backend("b").Name);
        Assert.Equal(JaegerBackend.TypeName, host.Backend("b").Type);
    }

    [Fact]
    public void NegativeMinDurationIsRejected() =>
        Assert.Contains(
            new JaegerOptions { Type = "Jaeger", ApiUrl = new Uri("http://x/"), MinDuration = TimeSpan.FromSeconds(-1) }.Validate(),
            m => m.StartsWith("MinDuration must be positive", StringComparison.Ordinal));

    [Fact]
    public void ValidOptionsHaveNoMessages() =>
        Assert.Empty(new JaegerOptions { Type = "Jaeger", ApiUrl = new Uri("http://x/") }.Validate());

    [Fact]
    public void BackendOptionsBaseStillChecksTheScheme() =>
        Assert.Contains(new JaegerOptions { Type = "Jaeger", ApiUrl = new Uri("ftp://x/") }.Validate(),
            m => m.Contains("http(s)", StringComparison.Ordinal));

}
