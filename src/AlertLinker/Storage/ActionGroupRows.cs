using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using AlertLinker.Actions;

namespace AlertLinker.Storage;

/// <summary>
/// What an action group row means, for the SQLite and the PostgreSQL action stores alike (each keeps its own SQL and
/// passes its time reader): the columns, reading a row, the matchers' JSON, new button ids, how long rows are kept.
/// </summary>
internal static class ActionGroupRows
{
    /// <summary>Claims older than this are pruned: Slack retries within seconds and refuses timestamps older than 5 minutes.</summary>
    public static readonly TimeSpan ClaimRetention = TimeSpan.FromDays(1);

    /// <summary>A group no message rendered for this long is forgotten; its old buttons then say so when clicked.</summary>
    public static readonly TimeSpan GroupRetention = TimeSpan.FromDays(90);

    /// <summary>The columns <see cref="Read"/> reads, in its order.</summary>
    public const string Columns = "id, source, group_key, matchers, notification, silence_id, silence_ends_at, silence_by, silence_api_url";

    public static string MatchersJson(IReadOnlyDictionary<string, string> matchers) =>
        JsonSerializer.Serialize(new Dictionary<string, string>(matchers), ActionStoreJsonContext.Default.DictionaryStringString);

    /// <summary>A group from the <see cref="Columns"/>.</summary>
    public static ActionGroup Read(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> time)
    {
        var matchers = JsonSerializer.Deserialize(reader.GetString(3), ActionStoreJsonContext.Default.DictionaryStringString) ?? [];
        var notification = JsonSerializer.Deserialize(reader.GetString(4), StorageJsonContext.Default.AlertNotification)
            ?? throw new InvalidDataException($"action_groups row {reader.GetString(0)} holds no notification");
        var silence = reader.IsDBNull(5)
            ? null
            : new GroupSilence(
                reader.GetString(5),
                time(reader, 6),
                reader.GetString(7),
                new Uri(reader.GetString(8)));
        return new ActionGroup(reader.GetString(0), notification, matchers, silence);
    }

    /// <summary>12 random base32 characters (60 bits): short in a button value, not guessable.</summary>
    public static string NewId()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        Span<byte> bytes = stackalloc byte[12];
        RandomNumberGenerator.Fill(bytes);
        return string.Create(12, bytes.ToArray(), (chars, random) =>
        {
            for (var i = 0; i < chars.Length; i++)
                chars[i] = alphabet[random[i] % alphabet.Length];
        });
    }
}

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ActionStoreJsonContext : JsonSerializerContext;
