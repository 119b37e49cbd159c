using AlertLinker.Analysis;

namespace AlertLinker.Tests.Analysis;

public sealed class RetryDetectorTests
{
    [Fact]
    public void FailedAttemptsFollowedByARepeatAreARetryCascadeWithTheirShare()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "checkout", "POST /checkout/pay", 0, 1000);
        for (var i = 0; i < 3; i++)
        {
            trace.Add(root, "checkout", "POST", 50 + i * 300, 280, i < 2 ? SpanStatus.Error : SpanStatus.Unset, attributes:
                [("peer.service", "payment-gateway"), ("http.response.status_code", i < 2 ? "503" : "200")]);
        }

        var retry = Assert.Single(TraceAnalyzer.Analyze(trace.Build()).Retries);

        Assert.Equal((3, 2, true, "503"), (retry.Attempts, retry.Failed, retry.FailedFirst, retry.Code));
        Assert.Equal("retries: 3 attempts of POST payment-gateway (checkout), the first 2 failed with 503 — 840 ms, 84 % of the trace", retry.Summary);
    }

    [Fact]
    public void LookAlikeCallsThatAllSucceededAreNoRetries()
    {
        Assert.Empty(TraceAnalyzer.Analyze(TraceBuilder.NPlusOne(queries: 5)).Retries);
    }

    [Fact]
    public void ParallelCallsWithAFailureAreAFanOutNotRetries()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "checkout", "GET /cart", 0, 300);
        for (var i = 0; i < 3; i++)
            trace.Add(root, "checkout", "GET", 10, 200, i == 0 ? SpanStatus.Error : SpanStatus.Unset, attributes: [("peer.service", "prices")]);

        Assert.Empty(TraceAnalyzer.Analyze(trace.Build()).Retries);
    }

    [Fact]
    public void OnlyTheLastAttemptFailingIsNoCascade()
    {
        var trace = new TraceBuilder();
        var root = trace.Add(null, "checkout", "GET /cart", 0, 700);
        trace.Add(root, "checkout", "GET", 10, 200, attributes: [("peer.service", "prices")]);
        trace.Add(root, "checkout", "GET", 300, 200, SpanStatus.Error, attributes: [("peer.service", "prices")]);

        Assert.Empty(TraceAnalyzer.Analyze(trace.Build()).Retries);
    }
}
