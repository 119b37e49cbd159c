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
