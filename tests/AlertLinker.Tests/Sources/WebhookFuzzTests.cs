using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AlertLinker.Tests.TestSupport;
using Xunit.Abstractions;
using static AlertLinker.Tests.Sources.SourceTestApp;

namespace AlertLinker.Tests.Sources;

/// <summary>
/// Thousands of mutated real payloads per endpoint, in-process: never a 5xx, every refusal a problem+json,
/// and everything stored is a well-formed notification. Seeded: a failure names the input index to replay.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class WebhookFuzzTests(ITestOutputHelper output)
{
    /// <summary>Per endpoint; ALERTLINKER_FUZZ_INPUTS and ALERTLINKER_FUZZ_SEED run a longer or different campaign locally.</summary>
    private static readonly int InputsPerEndpoint =
        int.TryParse(Environment.GetEnvironmentVariable("ALERTLINKER_FUZZ_INPUTS"), out var inputs) ? inputs : 3000;

    private static readonly int SeedOffset =
        int.TryParse(Environment.GetEnvironmentVariable("ALERTLINKER_FUZZ_SEED"), out var offset) ? offset : 0;

    private static readonly Dictionary<string, string[]> Seeds = new()
    {
        ["alertmanager"] = Fixtures("alertmanager", exclude: "request-log"),
        ["grafana"] = Fixtures("grafana"),
        ["opsgenie"] = Fixtures("opsgenie"),
        // Envelopes only: the docs' event.data fragments are refused whole, which tests nothing new.
        ["pagerduty"] = Fixtures("pagerduty", include: "v3-zulip-")
            .Concat(Fixtures("pagerduty", include: "v3-docs-incident.priority_updated"))
            .Concat(Fixtures("pagerduty", include: "v3-docs-service.updated"))
            .Concat(Fixtures("pagerduty", include: "v3-go-pagerduty-signed-body"))
            .Concat(Fixtures("pagerduty", include: "v2-docs-incident.trigger"))
            .ToArray(),
    };

    private static string[] Fixtures(string folder, string? include = null, string? exclude = null) =>
        SharedFixtures.Files("webhooks/" + folder).Select(f => (string)f[0])
            .Where(f => (include is null || Path.GetFileName(f).StartsWith(include, StringComparison.Ordinal))
                && (exclude is null || !f.Contains(exclude, StringComparison.Ordinal))
                && !f.Contains("signature-vector", StringComparison.Ordinal))
            .ToArray();

    [Theory]
    [InlineData("alertmanager", 4001)]
    [InlineData("grafana", 4002)]
    [InlineData("opsgenie", 4003)]
    [InlineData("pagerduty", 4004)]
    public async Task MutatedRealPayloadsNeverGetA5xxAndNothingMalformedIsStored(string source, int seed)
    {
        seed += SeedOffset;
        var store = new RecordingAlertStore();
        await using var app = Create(store);
        using var client = app.CreateClient();
        var seeds = Seeds[source].Select(SharedFixtures.ReadBytes).ToArray();
        var mutator = new JsonMutator(seed);
        var pick = new Random(seed);
        var statuses = new Dictionary<int, int>();
        var clock = Stopwatch.StartNew();

        for (var i = 0; i < InputsPerEndpoint; i++)
        {
            var (body, what) = mutator.Mutate(seeds[pick.Next(seeds.Length)]);
            using var request = AuthorizedRequest(source, body);
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (status >= 500 || (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json"))
            {
                var saved = Path.Combine(Path.GetTempPath(), $"fuzz-{source}-{seed}-{i}.json");
                await File.WriteAllBytesAsync(saved, body);
                Assert.Fail($"{source} input {i} ({what}) got {status} {await response.Content.ReadAsStringAsync()}; body saved to {saved}");
            }
        }

        // Everything the normalizers produced, not only what survived dedupe.
        var problems = store.Received.SelectMany(n => Malformations(n, source)).Distinct().Take(20).ToList();
        output.WriteLine($"{source} (seed {seed}): {InputsPerEndpoint} inputs in {clock.Elapsed.TotalSeconds:0.0} s; statuses " +
            string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")) + $"; handed to the store {store.Received.Count}, stored {store.Stored.Count}");
        Assert.Empty(problems);
        // The mutator must not be so destructive that nothing reaches the normalizers, nor so gentle that nothing is refused.
        Assert.True(statuses.Where(s => s.Key is 400).Sum(s => s.Value) > InputsPerEndpoint / 10, "too few 400s");
        Assert.True(statuses.Where(s => s.Key is 200 or 202).Sum(s => s.Value) > InputsPerEndpoint / 10, "too few accepted");
    }

    /// <summary>What a stored notification must never be, whatever came in.</summary>
    internal static IEnumerable<string> Malformations(AlertNotification notification, string source)
    {
        if (notification.Source != source)
            yield return $"source {notification.Source}";
        if (string.IsNullOrWhiteSpace(notification.GroupKey))
            yield return "empty group key";
        if (notification.Alerts is not { Count: > 0 })
            yield return "no alerts";
        if (!Enum.IsDefined(notification.Status) || !Enum.IsDefined(notification.Kind))
            yield return "undefined status or kind";
        if (notification.Kind == NotificationKind.Note && string.IsNullOrWhiteSpace(notification.Note))
            yield return "a note without text";
        if (notification.CommonLabels.Any(l => l.Key is null || l.Value is null))
            yield return "null common label";
        foreach (var alert in notification.Alerts ?? [])
        {
            if (alert is null)
            {
                yield return "null alert";
                continue;
            }
            if (string.IsNullOrWhiteSpace(alert.Fingerprint) || string.IsNullOrWhiteSpace(alert.Name))
                yield return "empty fingerprint or name";
            if (alert.StartsAt < DateTimeOffset.UnixEpoch || alert.StartsAt > DateTimeOffset.UtcNow.AddDays(8))
                yield return $"start {alert.StartsAt:O} outside 1970…next week";
            if (alert.EndsAt is { } end && (end < DateTimeOffset.UnixEpoch || end > DateTimeOffset.UtcNow.AddDays(8)))
                yield return $"end {end:O} outside 1970…next week";
            if (alert.Labels.Any(l => l.Key is null || l.Value is null) || alert.Annotations.Any(a => a.Key is null || a.Value is null))
                yield return "null label or annotation";
            if (alert.Links.Any(l => !l.Url.IsAbsoluteUri || l.Url.Scheme is not ("http" or "https")))
                yield return "a non-http(s) link";
        }
        string? serialization = null;
        try
        {
            // What a store does with it: it must survive JSON both ways.
            var json = JsonSerializer.Serialize(notification);
            _ = JsonSerializer.Deserialize<AlertNotification>(json);
            _ = notification.DedupeKeys().ToList();
        }
        catch (Exception ex)
        {
            serialization = $"does not round-trip: {ex.GetType().Name}: {ex.Message}";
        }
        if (serialization is not null)
            yield return serialization;
    }
}

/// <summary>The fuzz campaign hogs both cores: it runs alone, so timing-sensitive tests elsewhere are not starved.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "Fuzz";
}
