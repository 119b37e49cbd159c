using System.Text;
using AlertLinker.Actions;

namespace AlertLinker.Tests.Actions;

public sealed class InteractionSignatureTests
{
    // Slack's documented example (docs.slack.dev "Verifying requests from Slack", used by python-slack-sdk's tests).
    private const string DocsTimestamp = "1531420618";
    private const string DocsSignature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    private static readonly byte[] DocsBody = Encoding.UTF8.GetBytes(
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar"
        + "&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com"
        + "%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c");

    private static readonly DateTimeOffset DocsTime = DateTimeOffset.FromUnixTimeSeconds(1531420618);

    [Fact]
    public void SlacksDocumentedVectorComputesTheDocumentedSignature() =>
        Assert.Equal(DocsSignature, InteractionSignature.Compute(SlackClicks.Secret, DocsTimestamp, DocsBody));

    [Fact]
    public void SlacksDocumentedRequestIsAcceptedAtItsOwnTime() =>
        Assert.Null(InteractionSignature.Problem(SlackClicks.Secret, DocsTimestamp, DocsSignature, DocsBody, DocsTime.AddSeconds(30)));

    [Fact]
    public void UpperCaseHexIsTheSameSignature() =>
        Assert.Null(InteractionSignature.Problem(SlackClicks.Secret, DocsTimestamp, "v0=" + DocsSignature[3..].ToUpperInvariant(), DocsBody, DocsTime));

    [Fact]
    public void TheDocumentedRequestReplayedSixMinutesLaterIsRefusedAsStale()
    {
        var problem = InteractionSignature.Problem(SlackClicks.Secret, DocsTimestamp, DocsSignature, DocsBody, DocsTime.AddMinutes(6));

        Assert.NotNull(problem);
        Assert.Contains("replay", problem);
    }

    [Fact]
    public void ATimestampFromTheFutureBeyondFiveMinutesIsRefused() =>
        Assert.NotNull(InteractionSignature.Problem(SlackClicks.Secret, DocsTimestamp, DocsSignature, DocsBody, DocsTime.AddMinutes(-6)));

    [Fact]
    public void OneChangedByteOfTheBodyIsRefused()
    {
        var edited = DocsBody.ToArray();
        edited[^1] ^= 1;

        Assert.Contains("does not match", InteractionSignature.Problem(SlackClicks.Secret, DocsTimestamp, DocsSignature, edited, DocsTime));
    }

    [Fact]
    public void AnotherSecretIsRefused() =>
        Assert.NotNull(InteractionSignature.Problem("another-secret", DocsTimestamp, DocsSignature, DocsBody, DocsTime));

    [Theory]
    [InlineData(null, DocsSignature)]
    [InlineData(DocsTimestamp, null)]
    [InlineData("not-a-number", DocsSignature)]
    [InlineData("-1531420618", DocsSignature)]
    [InlineData(DocsTimestamp, "v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    [InlineData(DocsTimestamp, "v0=a2114d57")]
    [InlineData(DocsTimestamp, "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503")]
    public void MissingOrMalformedHeadersAreRefused(string? timestamp, string? signature) =>
        Assert.NotNull(InteractionSignature.Problem(SlackClicks.Secret, timestamp, signature, DocsBody, DocsTime));

    [Fact]
    public void WithoutASigningSecretNothingIsAccepted() =>
        Assert.Contains("SigningSecret", InteractionSignature.Problem(null, DocsTimestamp, DocsSignature, DocsBody, DocsTime));
}
