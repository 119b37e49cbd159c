using System.Text.Json;
using System.Text.Json.Serialization;

namespace AlertLinker.Storage;

/// <summary>
/// The payload column: an <see cref="AlertNotification"/> as JSON. Source-generated so the accept path does no
/// reflection; enums as strings so the stored rows stay readable with the sqlite3 shell. Id lists go to SQL as
/// JSON arrays (json_each), one parameter however many ids.
/// </summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(AlertNotification))]
[JsonSerializable(typeof(long[]))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;

/// <summary>A notification as the stores keep it: JSON in one column, read back the same way by every store.</summary>
internal static class StoredPayload
{
    /// <summary>
    /// The stored notification, or null and why it cannot be read. Stores fail such a row visibly rather than leave
    /// it claimable forever, where it would block its group.
    /// </summary>
    public static AlertNotification? Read(string json, out string? problem)
    {
        try
        {
            var notification = JsonSerializer.Deserialize(json, StorageJsonContext.Default.AlertNotification)
                ?? throw new JsonException("payload is null");
            problem = null;
            return notification;
        }
        catch (JsonException e)
        {
            problem = "stored payload is unreadable: " + e.Message;
            return null;
        }
    }

    /// <summary>
    /// The end of every store's claim: a row that cannot be read would otherwise block its group forever, so it is
    /// failed, visibly (<paramref name="log"/> says so); the readable claims come back oldest first (RETURNING does
    /// not promise an order).
    /// </summary>
    public static async Task<IReadOnlyList<ClaimedNotification>> SettleClaimAsync(
        IAlertStore store, string owner, List<ClaimedNotification> claimed, IReadOnlyList<(long Id, string Error)> unreadable,
        Action<long, string> log, CancellationToken cancellationToken)
    {
        foreach (var (id, error) in unreadable)
        {
            log(id, error);
            await store.MarkFailedAsync(id, owner, error, retryAt: null, cancellationToken).ConfigureAwait(false);
        }
        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        return claimed;
    }
}
