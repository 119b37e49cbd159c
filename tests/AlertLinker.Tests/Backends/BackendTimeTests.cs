using AlertLinker.Backends;

namespace AlertLinker.Tests.Backends;

public sealed class BackendTimeTests
{
    [Fact]
    public void MicrosecondsCountFromTheUnixEpoch()
    {
        var time = new DateTimeOffset(2017, 1, 26, 21, 46, 31, TimeSpan.Zero).AddTicks(6398750);
        Assert.Equal(1485467191639875, BackendTime.ToUnixMicroseconds(time));
        Assert.Equal(time, BackendTime.FromUnixMicroseconds(1485467191639875));
    }

    [Fact]
    public void NanosecondsRoundTripToTicks() =>
        Assert.Equal(
            new DateTimeOffset(2023, 9, 14, 19, 10, 25, 557, TimeSpan.Zero),
            BackendTime.FromUnixNanoseconds(1694718625557000000));

    [Fact]
    public void SecondsAreRoundedOutwardsSoTheWindowIsCovered()
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(1000).AddMilliseconds(300);
        Assert.Equal(1000, BackendTime.ToUnixSecondsFloor(time));
        Assert.Equal(1001, BackendTime.ToUnixSecondsCeiling(time));
        Assert.Equal(1000, BackendTime.ToUnixSecondsCeiling(DateTimeOffset.FromUnixTimeSeconds(1000)));
    }

    [Theory]
    [InlineData(500, "500ms")]
    [InlineData(2000, "2s")]
    [InlineData(1500, "1500ms")]
    [InlineData(60000, "1m")]
    [InlineData(7200000, "2h")]
    [InlineData(0, "0s")]
    public void GoDurationsUseTheLargestExactUnit(int milliseconds, string expected) =>
        Assert.Equal(expected, BackendTime.ToGoDuration(TimeSpan.FromMilliseconds(milliseconds)));

    [Fact]
    public void GoDurationsKeepMicroseconds() =>
        Assert.Equal("1500us", BackendTime.ToGoDuration(TimeSpan.FromMicroseconds(1500)));

    [Fact]
    public void Rfc3339IsUtcWithFractions() =>
        Assert.Equal("2026-11-23T10:00:00.0000000Z",
            BackendTime.ToRfc3339(new DateTimeOffset(2026, 11, 23, 11, 0, 0, TimeSpan.FromHours(1))));
}
