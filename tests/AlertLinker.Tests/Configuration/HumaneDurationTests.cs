using System.ComponentModel;
using AlertLinker.Configuration;
using Microsoft.Extensions.Configuration;

namespace AlertLinker.Tests.Configuration;

public sealed class HumaneDurationTests
{
    [Theory]
    [InlineData("00:00:05", 5_000)]
    [InlineData("1.00:00:00", 86_400_000)]
    [InlineData("00:00:00.250", 250)]
    [InlineData("5s", 5_000)]
    [InlineData("250ms", 250)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData(" 5S ", 5_000)]
    public void BothTheStandardAndTheHumaneFormsAreRead(string text, long milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), HumaneDuration.TryParse(text));
    }

    [Theory]
    [InlineData("5 secs")]
    [InlineData("five seconds")]
    [InlineData("s")]
    [InlineData("")]
    public void AnythingElseIsNotADuration(string text)
    {
        Assert.Null(HumaneDuration.TryParse(text));
    }

    [Fact]
    public void TheConfigurationBinderReadsHumaneDurationsOnceRegistered()
    {
        HumaneDuration.Register();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create("Budget", (string?)"5s"), KeyValuePair.Create("Pad", (string?)"00:05:00")])
            .Build();

        var bound = configuration.Get<Durations>()!;

        Assert.Equal(TimeSpan.FromSeconds(5), bound.Budget);
        Assert.Equal(TimeSpan.FromMinutes(5), bound.Pad);
    }

    [Fact]
    public void AWrongDurationSaysWhichFormsToWrite()
    {
        HumaneDuration.Register();

        var error = Assert.Throws<FormatException>(() => TypeDescriptor.GetConverter(typeof(TimeSpan)).ConvertFromInvariantString("5 secs"));

        Assert.Equal($"'5 secs' is not a duration; {HumaneDuration.Forms}", error.Message);
    }

    private sealed class Durations
    {
        public TimeSpan Budget { get; set; }

        public TimeSpan Pad { get; set; }
    }
}
