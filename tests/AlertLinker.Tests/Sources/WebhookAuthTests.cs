using System.Text;
using AlertLinker.Sources;
using Microsoft.AspNetCore.Http;

namespace AlertLinker.Tests.Sources;

public sealed class WebhookAuthTests
{
    private static HttpRequest RequestWith(string? authorization)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
            context.Request.Headers.Authorization = authorization;
        return context.Request;
    }

    private static readonly WebhookSourceOptions Bearer = new() { BearerToken = "s3cret" };

    private static readonly WebhookSourceOptions Basic = new() { BasicAuth = new() { Username = "am", Password = "pa:ss" } };

    private static string BasicHeader(string credentials) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));

    [Theory]
    [InlineData("Bearer s3cret", true)]
    [InlineData("bearer s3cret", true)]
    [InlineData("Bearer s3cre", false)]
    [InlineData("Bearer s3cret2", false)]
    [InlineData("Bearer ", false)]
    [InlineData("s3cret", false)]
    [InlineData(null, false)]
    public void BearerTokenMustMatchExactly(string? header, bool expected) =>
        Assert.Equal(expected, WebhookAuth.IsAuthorized(RequestWith(header), Bearer));

    [Fact]
    public void BasicCredentialsMustMatchUserAndPasswordIncludingColonsInThePassword()
    {
        Assert.True(WebhookAuth.IsAuthorized(RequestWith(BasicHeader("am:pa:ss")), Basic));
        Assert.False(WebhookAuth.IsAuthorized(RequestWith(BasicHeader("am:pa")), Basic));
        Assert.False(WebhookAuth.IsAuthorized(RequestWith(BasicHeader("other:pa:ss")), Basic));
        Assert.False(WebhookAuth.IsAuthorized(RequestWith("Basic not-base64!"), Basic));
    }

    [Fact]
    public void ABasicHeaderDoesNotPassWhereOnlyABearerTokenIsConfigured() =>
        Assert.False(WebhookAuth.IsAuthorized(RequestWith(BasicHeader("s3cret:s3cret")), Bearer));

    [Fact]
    public void WithNoCredentialsConfiguredEveryCallIsRefusedUnlessAnonymousIsAllowed()
    {
        Assert.False(WebhookAuth.IsAuthorized(RequestWith("Bearer anything"), new WebhookSourceOptions()));
        Assert.True(WebhookAuth.IsAuthorized(RequestWith(null), new WebhookSourceOptions { AllowAnonymous = true }));
    }

    [Fact]
    public void AllowAnonymousDoesNotOpenASourceWhoseCredentialsAreConfigured()
    {
        var both = new WebhookSourceOptions { BearerToken = "s3cret", AllowAnonymous = true };

        Assert.False(both.AcceptsAnonymous);
        Assert.False(WebhookAuth.IsAuthorized(RequestWith(null), both));
        Assert.False(WebhookAuth.IsAuthorized(RequestWith("Bearer wrong"), both));
        Assert.True(WebhookAuth.IsAuthorized(RequestWith("Bearer s3cret"), both));
    }

    [Theory]
    [InlineData(new[] { "v4lue" }, true)]
    [InlineData(new[] { "v4lu" }, false)]
    [InlineData(new[] { "V4LUE" }, false)]
    [InlineData(new[] { "v4lue", "v4lue" }, false)]
    [InlineData(new string[0], false)]
    public void ASharedSecretHeaderMustBePresentOnceWithExactlyTheValue(string[] values, bool expected)
    {
        var context = new DefaultHttpContext();
        if (values.Length > 0)
            context.Request.Headers["X-Key"] = values;

        Assert.Equal(expected, WebhookAuth.HeaderMatches(context.Request, "X-Key", "v4lue"));
    }

    [Fact]
    public void AnHmacMatchesOnlyAsExactlySixtyFourHexDigitsOfTheRightDigest()
    {
        var key = "k"u8.ToArray();
        var hex = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(key, "body"u8.ToArray()));

        Assert.True(WebhookAuth.HmacSha256HexMatches(key, "body"u8, hex));
        Assert.True(WebhookAuth.HmacSha256HexMatches(key, "body"u8, hex.ToUpperInvariant()));
        Assert.False(WebhookAuth.HmacSha256HexMatches(key, "bodY"u8, hex));
        Assert.False(WebhookAuth.HmacSha256HexMatches(key, "body"u8, hex.AsSpan(0, 62)));
        Assert.False(WebhookAuth.HmacSha256HexMatches(key, "body"u8, hex + "00"));
        Assert.False(WebhookAuth.HmacSha256HexMatches(key, "body"u8, string.Concat("zz", hex.AsSpan(2))));
    }
}
