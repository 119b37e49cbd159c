using AlertLinker.Backends.Datadog;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Backends.Datadog;

public sealed class DatadogOptionsTests
{
    [Fact]
    public void MissingKeysAreReportedTogetherWithWhereToFindThem()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new BackendTestHost(BackendTestHost.Settings("dd", ("Type", "Datadog"), ("SearchLimit", "0"))));

        Assert.Contains(error.Failures, f => f.StartsWith("AlertLinker:Backends:dd:ApiKey is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("AppKey is required: a Datadog application key with the apm_read scope", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("SearchLimit must be between 1 and 1000", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("ApiUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void ASiteWithASchemeIsRejected()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new BackendTestHost(BackendTestHost.Settings("dd", ("Type", "Datadog"), ("Site", "https://datadoghq.eu"), ("ApiKey", "a"), ("AppKey", "b"))));

        Assert.Contains(error.Failures, f => f.Contains("Site must be a Datadog site host such as datadoghq.com", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSiteChoosesApiAndUiUnlessTheyAreGiven()
    {
        using var host = new BackendTestHost(BackendTestHost.Settings("dd",
            ("Type", "Datadog"), ("Site", "us3.datadoghq.com"), ("ApiKey", "a"), ("AppKey", "b")));

        var link = host.Backend("dd").BuildTraceLink("123", BackendTestHost.Window);

        Assert.Equal("https://us3.datadoghq.com/apm/trace/123?timeHint=1795428000000", link!.AbsoluteUri);
    }

    [Fact]
    public void AnExplicitUiUrlWins()
    {
        using var host = new BackendTestHost(BackendTestHost.Settings("dd",
            ("Type", "Datadog"), ("Site", "datadoghq.eu"), ("UiUrl", "https://dd.example.com/"), ("ApiKey", "a"), ("AppKey", "b")));

        Assert.StartsWith("https://dd.example.com/apm/trace/", host.Backend("dd").BuildTraceLink("1", BackendTestHost.Window)!.AbsoluteUri, StringComparison.Ordinal);
    }
}
