using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace AlertLinker.Tests.Pipeline;

/// <summary>What the log says when a backend is down, at the default levels: one warning line with the reason, no stack trace.</summary>
public sealed class BackendFailureLogTests
{
    [Fact]
    public async Task ABackendThatRefusesConnectionsIsOneWarningWithTheReasonAndNoStackTrace()
    {
        await using var app = await RefusingBackendRun.DeliverOneAlertAsync();

        var records = app.Services.GetFakeLogCollector().GetSnapshot();
        var failed = Assert.Single(records, r => r.Id.Id == 3002);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("Backend jaeger search failed (connection refused); its section has links only", failed.Message);
        Assert.All(records.Where(r => r.Level >= LogLevel.Information), r => Assert.True(r.Exception is null,
            $"{r.Level} {r.Category}[{r.Id.Id}] carries an exception: {r.Message}\n{r.Exception}"));
        Assert.DoesNotContain(app.Logs, l => l.Contains("   at ", StringComparison.Ordinal));
    }
}
