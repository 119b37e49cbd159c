using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace AlertLinker.Http;

/// <summary>
/// The one resilience pipeline of every outbound HTTP integration (trace backends, the PagerDuty REST API):
/// retry transient failures twice with jittered backoff, break the circuit when half the calls fail,
/// and bound each attempt. Integrations never write their own loops.
/// A 429 is not retried: a rate limit resets in minutes, the enrichment budget is seconds, and a retry spends the
/// quota (Datadog's ~300 searches an hour) that the next alert needs; the backend reports it at once instead.
/// Unsafe methods (POST: Datadog's span search, Honeycomb's query creation) are never retried: a timed-out or 5xx POST
/// may still have run and counted against the quota, so a retry could triple what one alert costs.
/// </summary>
internal static class OutboundResilience
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, TimeSpan attemptTimeout)
    {
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = static args => ValueTask.FromResult(
                args.Outcome.Result?.StatusCode != HttpStatusCode.TooManyRequests
                && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
        };
        // Wraps the ShouldHandle above: set after it.
        retry.DisableForUnsafeHttpMethods();
        pipeline
            .AddRetry(retry)
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 6,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(30),
            })
            .AddTimeout(attemptTimeout);
    }
}
