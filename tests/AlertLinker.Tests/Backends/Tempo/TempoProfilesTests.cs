using AlertLinker.Backends.Tempo;

namespace AlertLinker.Tests.Backends.Tempo;

public sealed class TempoProfilesTests
{
    private static TempoSearchHit Hit(string traceId, int durationMs, bool error, params (string SpanId, string Key, string Value)[] spans) =>
        new(new TraceSummary(traceId, "checkout", "GET /cart", null, TimeSpan.FromMilliseconds(durationMs), error, null),
            spans.Select(s => new Span(traceId, s.SpanId, null, "checkout", "GET /cart", DateTimeOffset.UnixEpoch, TimeSpan.FromMilliseconds(durationMs),
                SpanStatus.Unset, new Dictionary<string, string> { [s.Key] = s.Value })).ToList());

    [Fact]
    public void AScopedKeyIsReadFromTheNameTempoAnswersItUnder()
    {
        var profile = Assert.Single(TempoProfiles.Of([Hit("a1", 900, false, ("01", "service.version", "1.4.2"))], ["resource.service.version"]));

        Assert.Equal(["1.4.2"], profile.Attributes["resource.service.version"]);
    }

    [Fact]
    public void ATraceTwoSearchesReturnedIsOneProfileWithTheSpansOfBoth()
    {
        // The slow search matched span 01, the window search span 02 (and 01 again); the error search said errored.
        var profiles = TempoProfiles.Of(
        [
            Hit("a1", 900, false, ("01", "tenant.id", "acme")),
            Hit("a1", 900, true),
            Hit("a1", 900, false, ("02", "tenant.id", "globex"), ("01", "tenant.id", "acme")),
        ], ["tenant.id"]);

        var profile = Assert.Single(profiles);
        Assert.Equal(["acme", "globex"], profile.Attributes["tenant.id"]);
        Assert.True(profile.Error);
        Assert.Equal(TimeSpan.FromMilliseconds(900), profile.Duration);
    }

    [Fact]
    public void ATraceWithoutSpansIsLeftOut() =>
        Assert.Empty(TempoProfiles.Of([Hit("a1", 900, false)], ["tenant.id"]));
}
