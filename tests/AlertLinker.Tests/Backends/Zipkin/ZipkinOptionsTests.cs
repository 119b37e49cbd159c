using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Backends.Zipkin;

public sealed class ZipkinOptionsTests
{
    [Fact]
    public void ConfigurationWithoutApiUrlOrWithABadLimitFailsWithTheKeys()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new BackendTestHost(BackendTestHost.Settings("zipkin", ("Type", "Zipkin"), ("SearchLimit", "0"), ("MinDuration", "-00:00:01"))));

        Assert.Contains(error.Failures, f => f.Contains("AlertLinker:Backends:zipkin:ApiUrl is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("SearchLimit must be between 1 and 1000", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("MinDuration must be at least 1 µs", StringComparison.Ordinal));
    }

    [Fact]
    public void TheTypeNameIsCaseInsensitiveAndTheUiDefaultsToTheApi()
    {
        using var host = new BackendTestHost(BackendTestHost.Settings("z", ("Type", "zipkin"), ("ApiUrl", "http://127.0.0.1:9411/")));

        var link = host.Backend("z").BuildLinks(BackendTestHost.Alert("svc", BackendTestHost.Window))[0];

        Assert.StartsWith("http://127.0.0.1:9411/zipkin/?serviceName=svc", link.Url.AbsoluteUri, StringComparison.Ordinal);
    }
}
