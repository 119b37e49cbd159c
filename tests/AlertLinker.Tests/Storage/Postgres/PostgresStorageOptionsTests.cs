using System.ComponentModel.DataAnnotations;
using AlertLinker.Storage;
using AlertLinker.Storage.Postgres;
using Npgsql;

namespace AlertLinker.Tests.Storage.Postgres;

public sealed class PostgresStorageOptionsTests
{
    private static List<ValidationResult> Validate(PostgresStorageOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void PoolSizeAndCommandTimeoutOverrideTheConnectionStringAndTheHostIsKept()
    {
        var options = new PostgresStorageOptions
        {
            Provider = StorageProvider.Postgres,
            ConnectionString = "Host=db.internal;Port=6432;Database=alertlinker;Username=al;Password=pw;Maximum Pool Size=100;Command Timeout=300",
            MaxPoolSize = 7,
            CommandTimeout = TimeSpan.FromSeconds(4),
        };

        var effective = new NpgsqlConnectionStringBuilder(options.Effective());

        Assert.Equal(7, effective.MaxPoolSize);
        Assert.Equal(4, effective.CommandTimeout);
        Assert.Equal(4, effective.Timeout);
        Assert.Equal("alertlinker", effective.ApplicationName);
        Assert.Equal("db.internal", effective.Host);
        Assert.Equal("db.internal:6432/alertlinker", options.Describe());
        Assert.Empty(Validate(options));
    }

    [Fact]
    public void TheSqliteProviderNeedsNoConnectionString()
    {
        Assert.Empty(Validate(new PostgresStorageOptions { Provider = StorageProvider.Sqlite }));
    }

    [Fact]
    public void AConnectionStringWithoutAHostIsRejectedWithoutBeingShown()
    {
        var results = Validate(new PostgresStorageOptions { Provider = StorageProvider.Postgres, ConnectionString = "Database=x;Password=hidden-pw" });

        var result = Assert.Single(results);
        Assert.Contains("AlertLinker:Storage:ConnectionString", result.ErrorMessage);
        Assert.Contains("names no Host", result.ErrorMessage);
        Assert.DoesNotContain("hidden-pw", result.ErrorMessage);
    }
}
