using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AlertLinker.Pipeline;
using AlertLinker.Slack;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Slack;

public sealed class SlackResultsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 30, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("invalid_auth")]
    [InlineData("not_authed")]
    [InlineData("token_revoked")]
    [InlineData("channel_not_found")]
    [InlineData("not_in_channel")]
    [InlineData("is_archived")]
    [InlineData("invalid_blocks")]
    [InlineData("msg_too_long")]
    [InlineData("msg_blocks_too_long")]
    [InlineData("missing_scope")]
    [InlineData("some_code_slack_adds_later")]
    public void ErrorsAboutOurRequestAreNotRetried(string error)
    {
        var result = SlackResults.FromApi(HttpStatusCode.OK, null, new SlackApiResponse(false, error), Now);

        Assert.Equal(DeliveryResult.Permanent($"Slack API error {error}"), result);
    }

    [Theory]
    [InlineData("ratelimited")]
    [InlineData("internal_error")]
    [InlineData("fatal_error")]
    [InlineData("service_unavailable")]
    [InlineData("request_timeout")]
    public void ErrorsOnSlacksSideAreRetried(string error)
    {
        var result = SlackResults.FromApi(HttpStatusCode.OK, null, new SlackApiResponse(false, error), Now);

        Assert.Equal(DeliveryResult.Retry($"Slack API error {error}"), result);
    }

    [Fact]
    public void ChatUpdateErrorFixtureIsPermanent()
    {
        var body = JsonSerializer.Deserialize<SlackApiResponse>(
            SharedFixtures.Read("webhooks/slack/api-spec-chat.update-error-response.json"), SlackJson.Options);

        var result = SlackResults.FromApi(HttpStatusCode.OK, null, body, Now);

        Assert.Equal(DeliveryResult.Permanent("Slack API error cant_update_message"), result);
    }

    [Fact]
    public void OkResponseFixturesReadAsDelivered()
    {
        foreach (var fixture in new[] { "api-spec-chat.postMessage-ok-response.json", "api-spec-chat.update-ok-response.json" })
        {
            var body = JsonSerializer.Deserialize<SlackApiResponse>(SharedFixtures.Read("webhooks/slack/" + fixture), SlackJson.Options)!;

            Assert.True(body.Ok);
            Assert.NotNull(body.Ts);
            Assert.Equal(DeliveryResult.Ok, SlackResults.FromApi(HttpStatusCode.OK, null, body, Now));
        }
    }

    [Fact]
    public void TruncationWarningIsRead()
    {
        var body = JsonSerializer.Deserialize<SlackApiResponse>(
            SharedFixtures.Read("webhooks/slack/changelog-chat.postMessage-message_truncated-warning-abbreviated.json"), SlackJson.Options)!;

        Assert.Equal(["message_truncated"], body.ResponseMetadata!.Warnings!);
    }

    [Fact]
    public void RetryAfterAsADateIsMeasuredFromNow()
    {
        var after = SlackResults.AfterOrNull(new RetryConditionHeaderValue(Now.AddSeconds(42)), Now);

        Assert.Equal(TimeSpan.FromSeconds(42), after);
    }

    [Fact]
    public void RetryAfterInThePastMeansNow()
    {
        Assert.Equal(TimeSpan.Zero, SlackResults.AfterOrNull(new RetryConditionHeaderValue(Now.AddSeconds(-5)), Now));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    public void ApiStatusDecidesBeforeTheBody(HttpStatusCode status, bool retryable)
    {
        var result = SlackResults.FromApi(status, null, null, Now);

        Assert.False(result.Delivered);
        Assert.Equal(retryable, result.Retryable);
    }

    [Fact]
    public void OkStatusWithoutReadableBodyIsRetried()
    {
        Assert.True(SlackResults.FromApi(HttpStatusCode.OK, null, null, Now).Retryable);
    }

    [Fact]
    public void WebhookErrorTextFromAProxyIsCutToOneShortLine()
    {
        var result = SlackResults.FromWebhook(HttpStatusCode.BadGateway, null, "<html>\n" + new string('x', 5000) + "</html>", Now);

        Assert.True(result.Retryable);
        Assert.DoesNotContain('\n', result.Error!);
        Assert.True(result.Error!.Length < 150);
    }
}
