using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

/// <summary><c>AlertLinker:Storage</c>: where the durable queue lives and how long it remembers.</summary>
public sealed class StorageOptions : IValidatableObject
{
    public const string SectionName = "AlertLinker:Storage";

    /// <summary>Sqlite (the default: one process, one file) or Postgres (replicas on one database; see Storage/Postgres).</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>The SQLite file. Relative paths are relative to the current directory; the folder is created.</summary>
    [Required]
    public string Path { get; set; } = "data/alertlinker.db";

    /// <summary>
    /// How long a dedupe key is remembered after it was first seen. At least 48 h: PagerDuty retries a webhook
    /// for up to 48 h, and a retry arriving after its key was pruned would be delivered a second time.
    /// </summary>
    /// <remarks>Checked in <see cref="Validate"/>: the generated validator drops a [Range] ErrorMessage, and the reason matters here.</remarks>
    public TimeSpan DedupeRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long delivered notifications are kept (for inspection) before they are pruned.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan DeliveredRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long notifications that failed for good stay visible (state failed, last_error) before they are pruned.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan FailedRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often old dedupe keys and finished notifications are pruned (off the accept path).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a statement waits for another process holding the database lock.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The absolute path of the database file.</summary>
    public string FullPath => System.IO.Path.GetFullPath(Path);

    /// <summary>PagerDuty retries a webhook for up to 48 h.</summary>
    internal static readonly TimeSpan MinimumDedupeRetention = TimeSpan.FromHours(48);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DedupeRetention < MinimumDedupeRetention || DedupeRetention > TimeSpan.FromDays(365))
            yield return new ValidationResult(
                $"{SectionName}:DedupeRetention is {DedupeRetention}; it must be between 48 hours and 365 days, because PagerDuty " +
                "retries a webhook for up to 48 h and a retry whose key was already pruned would be delivered twice",
                [nameof(DedupeRetention)]);

        if (string.IsNullOrWhiteSpace(Path))
            yield break; // [Required] reports it.

        string? fullPath = null;
        string? problem = null;
        try
        {
            fullPath = FullPath;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problem = $"{SectionName}:Path '{Path}' is not a valid file path ({e.Message})";
        }

        if (problem is null && (Directory.Exists(fullPath) || Path.EndsWith('/') || Path.EndsWith('\\')))
            problem = $"{SectionName}:Path '{Path}' is a folder; it must name the database file, e.g. '{System.IO.Path.Combine(Path, "alertlinker.db")}'";

        if (problem is not null)
            yield return new ValidationResult(problem, [nameof(Path)]);
    }
}

/// <summary>Checks <see cref="StorageOptions"/> at start-up (source-generated; runs <see cref="IValidatableObject"/> too).</summary>
[OptionsValidator]
internal sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;
