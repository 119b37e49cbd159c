using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AlertLinker.Storage.Postgres;

/// <summary>
/// The PostgreSQL settings of <c>AlertLinker:Storage</c> (bound from the same section as <see cref="StorageOptions"/>;
/// retentions and the prune interval are shared from there). Checked only when <c>Provider</c> is <c>Postgres</c>.
/// </summary>
public sealed class PostgresStorageOptions : IValidatableObject
{
    /// <summary>The same section as <see cref="StorageOptions"/> (the start-up report and key checks find it by this).</summary>
    public const string SectionName = StorageOptions.SectionName;

    /// <summary>The same key as <see cref="StorageOptions.Provider"/>: validation applies only to the Postgres provider.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>
    /// An Npgsql connection string (<c>Host=…;Port=5432;Database=alertlinker;Username=…;Password=…</c>). A secret: it
    /// is never logged and never part of an error message; set it from a secret (environment:
    /// <c>AlertLinker__Storage__ConnectionString</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Most connections this process opens (overrides the connection string's Maximum Pool Size). Replicas × this
    /// must stay below the server's max_connections.
    /// </summary>
    [Range(1, 1000)]
    public int MaxPoolSize { get; set; } = 20;

    /// <summary>
    /// How long one statement (and opening a connection) may take. A hung database then fails the request fast: a
    /// webhook answers 503 (the sender retries) instead of hanging until the sender's own time-out.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(10);

    internal const string ConnectionStringKey = StorageOptions.SectionName + ":ConnectionString";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider != StorageProvider.Postgres)
            yield break;
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult(
                $"{ConnectionStringKey} is required when {StorageOptions.SectionName}:Provider is Postgres " +
                "(environment: AlertLinker__Storage__ConnectionString, e.g. Host=db;Database=alertlinker;Username=alertlinker;Password=…)",
                [nameof(ConnectionString)]);
            yield break;
        }

        string? problem = null;
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(ConnectionString);
            if (string.IsNullOrWhiteSpace(parsed.Host))
                problem = "it names no Host";
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The parser's message can quote the value; the value is a secret.
            problem = "it cannot be parsed";
        }
        if (problem is not null)
            yield return new ValidationResult(
                $"{ConnectionStringKey} is not a usable PostgreSQL connection string: {problem} (the value is a secret and is not shown)",
                [nameof(ConnectionString)]);
    }

    /// <summary>The connection string with this process's pool size, time-outs and application name.</summary>
    internal string Effective()
    {
        var timeout = Math.Max(1, (int)Math.Ceiling(CommandTimeout.TotalSeconds));
        return new NpgsqlConnectionStringBuilder(ConnectionString)
        {
            MaxPoolSize = MaxPoolSize,
            CommandTimeout = timeout,
            Timeout = timeout,
            ApplicationName = "alertlinker",
        }.ConnectionString;
    }

    /// <summary>Where the database is, without the secret parts: for log lines and error messages.</summary>
    internal string Describe()
    {
        try
        {
            var parsed = new NpgsqlConnectionStringBuilder(ConnectionString);
            return $"{parsed.Host}:{parsed.Port}/{parsed.Database ?? parsed.Username ?? "?"}";
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            return "(unparsable connection string)";
        }
    }
}

/// <summary>Checks <see cref="PostgresStorageOptions"/> at start-up (source-generated; runs <see cref="IValidatableObject"/> too).</summary>
[OptionsValidator]
internal sealed partial class PostgresStorageOptionsValidator : IValidateOptions<PostgresStorageOptions>;
