using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace AlertLinker.Pipeline;

/// <summary><c>AlertLinker:Delivery</c>: how the delivery worker drains the store and retries.</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string SectionName = "AlertLinker:Delivery";

    /// <summary>How often the store is checked for due retries. New alerts do not wait for it: accepting wakes the worker.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most notifications claimed in one query (never more than there are free slots).</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// How many notifications (always of different groups) are in flight at the same time. Each runs on its own; a
    /// freed slot is filled at once. An in-flight notification mostly waits (on backends, up to the enrichment budget,
    /// and on Slack), so the bound is sized for waiting, not for cores: with 4, a hung backend and a 2 s budget let
    /// through 2 notifications a second and alerts arriving faster queued for tens of seconds (bench `hung`). It is
    /// still a bound, so a storm's backlog cannot start thousands of deliveries at once.
    /// </summary>
    [Range(1, 256)]
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>
    /// How long a claim holds a notification for this process; renewed every third of it while the delivery runs.
    /// If the process dies, its claims are claimable again after at most this long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "00:10:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Wait after the first failed attempt; doubles with each further failure up to <see cref="MaxBackoff"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts after which a retryable failure becomes final (state failed).</summary>
    [Range(1, 10_000)]
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Age (since received) after which a retryable failure becomes final: a day-old page helps no one.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxBackoff < InitialBackoff)
            yield return new ValidationResult(
                $"{SectionName}:MaxBackoff ({MaxBackoff}) must not be shorter than {SectionName}:InitialBackoff ({InitialBackoff})",
                [nameof(MaxBackoff), nameof(InitialBackoff)]);
    }
}

[OptionsValidator]
internal sealed partial class DeliveryOptionsValidator : IValidateOptions<DeliveryOptions>;
