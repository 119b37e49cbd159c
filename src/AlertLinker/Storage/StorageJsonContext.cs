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
}
