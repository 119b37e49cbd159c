using System.Text.Json;
using AlertLinker.Sources.PagerDuty;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Sources.PagerDuty;

public sealed class PagerDutySignatureTests
{
    private static readonly byte[] Body = SharedFixtures.ReadBytes("webhooks/pagerduty/v3-go-pagerduty-signed-body.raw.json");
    private static readonly JsonElement Vector =
        JsonDocument.Parse(SharedFixtures.Read("webhooks/pagerduty/v3-go-pagerduty-signature-vector.json")).RootElement;

    private static string Secret => Vector.GetProperty("secret").GetString()!;

    private static string ValidHeader => Vector.GetProperty("valid_header").GetString()!;

    [Fact]
    public void TheGoPagerDutyTestVectorVerifies() =>
        Assert.Equal(SignatureCheck.Valid, PagerDutySignature.Verify(Body, ValidHeader, [Secret]));

    [Fact]
    public void TheGoPagerDutyMismatchHeaderIsAMismatch() =>
        Assert.Equal(SignatureCheck.Mismatch,
            PagerDutySignature.Verify(Body, Vector.GetProperty("mismatch_header").GetString(), [Secret]));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void AMissingHeaderIsMissing(string? header) =>
        Assert.Equal(SignatureCheck.Missing, PagerDutySignature.Verify(Body, header, [Secret]));

    [Theory]
    [InlineData("v1=")]
    [InlineData("v1=zz0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd")]
    [InlineData("v1=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476c")]
    [InlineData("0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd")]
    [InlineData("sha256=0c0b9495b893a39e70d1fea2fe11fbe0a825f88b9f67846f6cc07dd2bc5476cd")]
    [InlineData(",,,")]
    public void AMalformedHeaderIsMalformed(string header) =>
        Assert.Equal(SignatureCheck.Malformed, PagerDutySignature.Verify(Body, header, [Secret]));

    [Fact]
    public void DuringARotationAnyV1EntryMayMatch()
    {
        var header = Vector.GetProperty("mismatch_header").GetString() + "," + ValidHeader;

        Assert.Equal(SignatureCheck.Valid, PagerDutySignature.Verify(Body, header, [Secret]));
    }

    [Fact]
    public void DuringARotationAnyConfiguredSecretMayMatch() =>
        Assert.Equal(SignatureCheck.Valid, PagerDutySignature.Verify(Body, ValidHeader, ["the-old-secret", Secret]));

    [Fact]
    public void TheDocsRotationHeaderFormatParsesButDoesNotMatchThisBody() =>
        Assert.Equal(SignatureCheck.Mismatch,
            PagerDutySignature.Verify(Body, Vector.GetProperty("docs_example_rotation_header").GetString(), [Secret]));

    [Fact]
    public void ABodyAlteredByOneByteNoLongerVerifies()
    {
        var altered = (byte[])Body.Clone();
        altered[altered.Length / 2] ^= 0x01;

        Assert.Equal(SignatureCheck.Mismatch, PagerDutySignature.Verify(altered, ValidHeader, [Secret]));
    }

    [Fact]
    public void TheSecretIsUsedAsUtf8BytesNotBase64Decoded()
    {
        var decodedKeyHeader = "v1=" + Convert.ToHexStringLower(
            System.Security.Cryptography.HMACSHA256.HashData(Convert.FromBase64String(Secret), Body));

        Assert.Equal(SignatureCheck.Mismatch, PagerDutySignature.Verify(Body, decodedKeyHeader, [Secret]));
    }

    [Fact]
    public void UppercaseHexAndOtherSchemesBesideV1AreTolerated() =>
        Assert.Equal(SignatureCheck.Valid, PagerDutySignature.Verify(Body, "v2=abc, " + ValidHeader.ToUpperInvariant().Replace("V1=", "v1="), [Secret]));
}
