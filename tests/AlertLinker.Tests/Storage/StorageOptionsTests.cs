using AlertLinker.Storage;

namespace AlertLinker.Tests.Storage;

public sealed class StorageOptionsTests
{
    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var options = new StorageOptions();

        Assert.Equal("data/alertlinker.db", options.Path);
        Assert.Equal(TimeSpan.FromDays(7), options.DedupeRetention);
        Assert.True(new StorageOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void RelativePathIsRelativeToTheCurrentDirectory()
    {
        var options = new StorageOptions { Path = "data/alertlinker.db" };

        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "data", "alertlinker.db"), options.FullPath);
    }

    [Theory]
    [InlineData("1.23:59:59")]
    [InlineData("00:10:00")]
    public void DedupeRetentionUnder48HoursIsRejectedWithTheReason(string retention)
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { DedupeRetention = TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("PagerDuty", result.FailureMessage);
    }

    [Fact]
    public void DedupeRetentionOfExactly48HoursIsAccepted() =>
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { DedupeRetention = TimeSpan.FromHours(48) }).Succeeded);

    [Fact]
    public void EmptyPathIsRejected() =>
        Assert.True(new StorageOptionsValidator().Validate(null, new StorageOptions { Path = " " }).Failed);
}
