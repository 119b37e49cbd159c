using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AlertLinker.Tests.Sources;

/// <summary>
/// An in-memory <see cref="IAlertStore"/> that records what the sources hand it and dedupes like the contract says
/// (a notification is stored unless every dedupe key was seen). Lets the source tests inspect exactly what was stored.
/// </summary>
public sealed class RecordingAlertStore : IAlertStore
{
    private readonly ConcurrentDictionary<string, byte> keys = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<AlertNotification> stored = new();
    private readonly ConcurrentQueue<AlertNotification> received = new();
    private long nextId;

    public IReadOnlyList<AlertNotification> Stored => stored.ToList();

    /// <summary>Everything a source handed over, duplicates included.</summary>
    public IReadOnlyList<AlertNotification> Received => received.ToList();

    /// <summary>Every call, duplicates included.</summary>
    public int Calls;

    public Task<AcceptResult> AcceptAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Calls);
        received.Enqueue(notification);
        lock (keys)
        {
            var all = notification.DedupeKeys().ToList();
            var fresh = all.Count(k => keys.TryAdd(k, 0));
            if (fresh == 0)
                return Task.FromResult(new AcceptResult(null, 0, all.Count));
            stored.Enqueue(notification);
            return Task.FromResult(new AcceptResult(Interlocked.Increment(ref nextId), fresh, all.Count - fresh));
        }
    }

    // The delivery side: these tests look at what was accepted, so nothing is ever due.
    public Task<IReadOnlyList<ClaimedNotification>> ClaimDueAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ClaimedNotification>>([]);

    public Task<bool> RenewLeaseAsync(long id, string owner, TimeSpan lease, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<bool> ReleaseAsync(long id, string owner, CancellationToken cancellationToken) => Task.FromResult(false);
    public Task<bool> DeferAsync(long id, string owner, DateTimeOffset dueAt, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<bool> MarkDeliveredAsync(long id, string owner, CancellationToken cancellationToken) => Task.FromResult(false);

    public Task<bool> MarkFailedAsync(long id, string owner, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken) =>
        Task.FromResult(false);

    public Task<RetryResult> RetryFailedAsync(IReadOnlyCollection<long>? ids, CancellationToken cancellationToken) =>
        Task.FromResult(new RetryResult([], [], ids?.ToList() ?? []));

    public Task<NotificationRecord?> FindAsync(long id, CancellationToken cancellationToken) => Task.FromResult<NotificationRecord?>(null);

    public Task<IReadOnlyList<NotificationRecord>> ListAsync(IReadOnlySet<NotificationState> states, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<NotificationRecord>>([]);

    public Task<NotificationCounts> CountAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new NotificationCounts(stored.Count, 0, 0, stored.IsEmpty ? null : stored.Min(n => n.ReceivedAt)));

    public Task<PruneResult> PruneAsync(CancellationToken cancellationToken) => Task.FromResult(new PruneResult(0, 0, 0));

    public Task<IReadOnlySet<string>> DeliveredSinksAsync(long id, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

    public Task RecordSinkDeliveredAsync(long id, string sink, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<bool> PingAsync(CancellationToken cancellationToken) => Task.FromResult(true);
}

/// <summary>An <see cref="IAlertSink"/> that keeps what the delivery worker hands it, so a test reads the delivered notification.</summary>
public sealed class RecordingAlertSink : IAlertSink
{
    private readonly ConcurrentQueue<EnrichedNotification> delivered = new();

    public IReadOnlyList<EnrichedNotification> Delivered => delivered.ToList();

    public Task<DeliveryResult> DeliverAsync(EnrichedNotification notification, CancellationToken cancellationToken)
    {
        delivered.Enqueue(notification);
        return Task.FromResult(DeliveryResult.Ok);
    }

    /// <summary>The one notification delivered, once the worker has delivered it.</summary>
    public async Task<EnrichedNotification> SingleAsync() =>
        await Eventually.UntilAsync(() => delivered.TryPeek(out var first) ? first : null, TimeSpan.FromSeconds(30), "a delivered notification");
}

/// <summary>The service with every source configured (Bearer for Alertmanager, Grafana, Opsgenie; the go-pagerduty secret) and a recording store.</summary>
public static class SourceTestApp
{
    public const string GrafanaToken = "test-token-grafana";
    public const string OpsgenieToken = "test-token-opsgenie";

    /// <summary>The go-pagerduty test vector's secret (fixtures/webhooks/pagerduty/v3-go-pagerduty-signature-vector.json).</summary>
    public const string PagerDutySecret = "lDQHScfUeXUKaQRNF+8XIiDKZ7XX3itBAYzwU0TARw8lJqRnkKl2iB1anSb0Z+IK";

    public static AlertLinkerApp Create(RecordingAlertStore store, IDictionary<string, string?>? settings = null)
    {
        var all = Settings(settings);
        return new AlertLinkerApp(all, services =>
        {
            services.RemoveAll<IAlertStore>();
            services.AddSingleton<IAlertStore>(store);
        });
    }

    /// <summary>
    /// The same sources on the real store and delivery worker, delivering into <paramref name="sink"/>: for what the
    /// delivery side does (PagerDuty's details look-up) before the message is built.
    /// </summary>
    public static AlertLinkerApp CreateDelivering(RecordingAlertSink sink, IDictionary<string, string?>? settings = null)
    {
        var all = Settings(settings);
        return new AlertLinkerApp(all, services =>
        {
            services.RemoveAll<IAlertSink>();
            services.AddSingleton<IAlertSink>(sink);
        });
    }

    private static Dictionary<string, string?> Settings(IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AlertLinker:Sources:Grafana:BearerToken"] = GrafanaToken,
            ["AlertLinker:Sources:Opsgenie:BearerToken"] = OpsgenieToken,
            ["AlertLinker:Sources:PagerDuty:SigningSecrets:0"] = PagerDutySecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        return all;
    }

    public static ByteArrayContent Json(byte[] body, string contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return content;
    }

    public static string SignPagerDuty(byte[] body, string secret = PagerDutySecret) =>
        "v1=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>A request to a source's endpoint with the credentials the test app expects (PagerDuty: signed).</summary>
    public static HttpRequestMessage AuthorizedRequest(string source, byte[] body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/" + source) { Content = Json(body, contentType) };
        switch (source)
        {
            case "alertmanager":
                request.Headers.Authorization = new("Bearer", AlertLinkerApp.BearerToken);
                break;
            case "grafana":
                request.Headers.Authorization = new("Bearer", GrafanaToken);
                break;
            case "opsgenie":
                request.Headers.Authorization = new("Bearer", OpsgenieToken);
                break;
            case "pagerduty":
                request.Headers.TryAddWithoutValidation("X-PagerDuty-Signature", SignPagerDuty(body));
                break;
        }
        return request;
    }

    public static async Task AssertProblemAsync(HttpResponseMessage response, System.Net.HttpStatusCode status, string detail)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(text.Contains(detail, StringComparison.Ordinal), $"'{detail}' not in {text}");
    }
}
