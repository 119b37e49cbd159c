using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace AlertLinker.Storage;

/// <summary>
/// The SQLite store's dedupe keys, answered from memory and kept on disk as an append-only log (<c>dedupe_seen</c>).
/// <para>
/// Why: a dedupe key names an alert by its fingerprint, which Alertmanager derives from a hash of the labels, so keys
/// arrive in random order. In a B-tree keyed by them (the <c>dedupe_keys</c> table before schema version 9) every new
/// key landed on a leaf page of its own, so each group commit wrote about one WAL page per key: with random
/// fingerprints the accept benchmark ran at about 55–70 % of its speed with fingerprints that happen to sort
/// (docs/benchmarks.md).
/// Here each key is a row appended in id order (one page per commit for all of them), and the look-up is a hash-table
/// probe on the writer thread.
/// </para>
/// <para>
/// Memory: one entry per key within <see cref="StorageOptions.DedupeRetention"/> (16 bytes of SHA-256 and the time it
/// was first seen): 36 bytes in the hash table, up to about 70 with the room the table keeps to grow. Several
/// processes on one file stay exact: before its keys are checked, each group commit reads the rows that other
/// processes appended since it last looked (under the write lock, so none can be appended meanwhile). Keys stored by
/// a version before schema 9 stay in <c>dedupe_keys</c>, are read into memory too, and are pruned from there as
/// before; nothing writes that table any more. The keys are read at the first accept, not at start-up, so the
/// offline <c>notifications</c> commands never load them.
/// </para>
/// <para>Used only inside the store's gate (the writer's round, or pruning), so it needs no locks of its own.</para>
/// </summary>
internal sealed class SqliteSeenKeys(SqliteConnection connection) : IDisposable
{
    /// <summary>The key's identity: the first 16 bytes of the SHA-256 of its UTF-8 (collisions need ~2^64 keys).</summary>
    public static DedupeHash Hash(string key) => DedupeHash.Read(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private readonly Dictionary<DedupeHash, long> _seenAt = [];
    private readonly List<DedupeHash> _addedThisRound = [];
    private long _lastId;
    private bool _loaded;

    // Run at every group commit: prepared once, as the store's other statements on the accept path are.
    private readonly SqliteCommand _appended = Prepare(connection);

    private static SqliteCommand Prepare(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = "SELECT id, key_hash, seen_at FROM dedupe_seen WHERE id > $last ORDER BY id";
        command.Parameters.Add("$last", SqliteType.Integer);
        return command;
    }

    /// <summary>
    /// At the start of a round, inside its write transaction: reads what is on disk that memory does not have yet (every
    /// key the first time, then only the rows other processes appended).
    /// </summary>
    public void CatchUp(SqliteTransaction transaction)
    {
        _addedThisRound.Clear();
        if (!_loaded)
        {
            using var legacy = connection.CreateCommand();
            legacy.Transaction = transaction;
            legacy.CommandText = "SELECT key, seen_at FROM dedupe_keys";
            using var reader = legacy.ExecuteReader();
            while (reader.Read())
                Remember(Hash(reader.GetString(0)), reader.GetInt64(1));
        }
        _appended.Transaction = transaction;
        _appended.Parameters["$last"].Value = _lastId;
        using (var reader = _appended.ExecuteReader())
        {
            // GetBytes copies the column; GetStream would open a blob handle that holds the read transaction open.
            var hash = new byte[16];
            while (reader.Read())
            {
                _lastId = reader.GetInt64(0);
                if (reader.GetBytes(1, 0, hash, 0, hash.Length) != hash.Length)
                    continue; // not a key this code wrote; nothing can match it
                Remember(DedupeHash.Read(hash), reader.GetInt64(2));
            }
        }
        _loaded = true;
    }

    /// <summary>True when the key is new: it is remembered from now on (until <see cref="Rollback"/>).</summary>
    public bool TryAdd(DedupeHash hash, long now)
    {
        if (!_seenAt.TryAdd(hash, now))
            return false;
        _addedThisRound.Add(hash);
        return true;
    }

    /// <summary>The round committed; <paramref name="lastId"/> is the id of its last row (null when it wrote none).</summary>
    public void Committed(long? lastId)
    {
        if (lastId is { } id && id > _lastId)
            _lastId = id;
        _addedThisRound.Clear();
    }

    /// <summary>The round's transaction rolled back: its keys were never stored, so a retry of them is new.</summary>
    public void Rollback()
    {
        foreach (var hash in _addedThisRound)
            _seenAt.Remove(hash);
        _addedThisRound.Clear();
    }

    /// <summary>Forgets keys first seen before <paramref name="cutoff"/> (unix ms), as pruning deletes their rows.</summary>
    public void Forget(long cutoff)
    {
        // Removing while enumerating is allowed for Dictionary (it does not invalidate the enumerator).
        foreach (var (hash, seenAt) in _seenAt)
        {
            if (seenAt < cutoff)
                _seenAt.Remove(hash);
        }
    }

    public void Dispose() => _appended.Dispose();

    private void Remember(DedupeHash hash, long seenAt)
    {
        // A key has two rows only when it came back after its first sighting expired and before pruning deleted that
        // row: the later sighting is the one that counts.
        if (!_seenAt.TryGetValue(hash, out var known) || seenAt > known)
            _seenAt[hash] = seenAt;
    }
}

/// <summary>The first 16 bytes of a dedupe key's SHA-256, as two words (8-byte aligned: a smaller table entry than UInt128's).</summary>
internal readonly record struct DedupeHash(ulong Low, ulong High)
{
    public static DedupeHash Read(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));

    public byte[] ToBlob()
    {
        var blob = new byte[16];
        BinaryPrimitives.WriteUInt64LittleEndian(blob, Low);
        BinaryPrimitives.WriteUInt64LittleEndian(blob.AsSpan(8), High);
        return blob;
    }
}
