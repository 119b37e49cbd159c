using System.Net;
using AlertLinker.Slack;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Slack;

public sealed class SlackChatTests : IDisposable
{
    private readonly WireMockServer slack = WireMockServer.Start();
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 23, 14, 30, 0, TimeSpan.Zero));
    private readonly SlackTestServices services;

    public SlackChatTests() => services = new(time);

    public void Dispose()
    {
        services.Dispose();
        slack.Stop();
        slack.Dispose();
    }

    [Fact]
    public async Task ARetryAfterHoldsBackEveryCallToThatMethodInTheWorkspaceNotOnlyTheOneThatGotIt()
    {
        slack.Given(Request.Create().WithPath("/api/chat.postMessage").UsingPost().WithBody(b => b != null && b.Contains("\"CBUSY\"", StringComparison.Ordinal)))
            .AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.TooManyRequests).WithHeader("Retry-After", "30"));
        slack.Given(Request.Create().WithPath("/api/*").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":true,"channel":"C2","ts":"1503435956.000247"}"""));
        var chat = Chat();

        var limited = await chat.PostAsync(new SlackPostMessageRequest("CBUSY", "a", null), CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(30), limited.Result.RetryAfter);

        // Another channel, another group: held back too, without a request (Slack counts per method per workspace).
        var held = await chat.PostAsync(new SlackPostMessageRequest("C2", "b", null), CancellationToken.None);
        Assert.True(held.Result is { Delivered: false, Retryable: true, RetryAfter: { } left } && left <= TimeSpan.FromSeconds(30) && left > TimeSpan.FromSeconds(29));
        Assert.Single(slack.LogEntries);
        // Another method has its own limit.
        Assert.True((await chat.UpdateAsync(new SlackUpdateMessageRequest("C2", "1503435956.000247", "c", null), CancellationToken.None)).Ok);

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.True((await chat.PostAsync(new SlackPostMessageRequest("C2", "b", null), CancellationToken.None)).Ok);
        Assert.Equal(3, slack.LogEntries.Count());
    }

    [Fact]
    public async Task HistoryAsksForMetadataFromTheOldestTimeWithTheTokenAndReadsEachPageAndItsCursor()
    {
        slack.Given(Request.Create().WithPath("/api/conversations.history").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""
                {"ok":true,"messages":[{"type":"message","text":"a","ts":"1764000000.000200",
                  "metadata":{"event_type":"alertlinker_delivery","event_payload":{"delivery_id":"d1"}}}],
                 "has_more":true,"response_metadata":{"next_cursor":"bmV4dA=="}}
                """));

        var page = await Chat().HistoryAsync("C2", DateTimeOffset.FromUnixTimeSeconds(1764000000), cursor: null, CancellationToken.None);

        Assert.True(page.Result.Delivered);
        Assert.Equal("bmV4dA==", page.NextCursor);
        var message = Assert.Single(page.Messages);
        Assert.Equal("alertlinker_delivery", message.Metadata?.EventType);
        Assert.Equal("d1", message.Metadata?.EventPayload?.GetProperty("delivery_id").GetString());
        var request = Assert.Single(slack.LogEntries).RequestMessage;
        Assert.Equal("Bearer xoxb-test", request.Headers!["Authorization"].Single());
        Assert.Equal("true", request.Query!["include_all_metadata"].Single());
        Assert.Equal("1764000000.000000", request.Query!["oldest"].Single());
        Assert.Equal("C2", request.Query!["channel"].Single());
    }

    [Fact]
    public async Task ARateLimitedHistoryIsRetryableAfterWhatSlackSaidAndAMissingScopeIsNot()
    {
        slack.Given(Request.Create().WithPath("/api/conversations.history").UsingGet().WithParam("channel", "CBUSY"))
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.TooManyRequests).WithHeader("Retry-After", "20"));
        slack.Given(Request.Create().WithPath("/api/conversations.history").UsingGet().WithParam("channel", "CPRIVATE"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":false,"error":"missing_scope","needed":"groups:history","provided":"chat:write"}"""));
        var chat = Chat();

        // The refusal first: after the 429 every history call in the workspace is held back for its Retry-After.
        var refused = await chat.HistoryAsync("CPRIVATE", time.GetUtcNow().AddSeconds(-1), null, CancellationToken.None);
        var limited = await chat.HistoryAsync("CBUSY", time.GetUtcNow(), null, CancellationToken.None);

        Assert.True(limited.Result is { Retryable: true, RetryAfter.TotalSeconds: 20 });
        Assert.False(refused.Result.Retryable);
        Assert.Equal("missing_scope", refused.ErrorCode);
    }

    private ISlackChat Chat() =>
        services.Get<ISlackChat>([("BotToken", "xoxb-test"), ("Channel", "C2"), ("ApiUrl", slack.Url + "/api/"), ("PaceInterval", "00:00:00")]);
}
