using System.Text;
using System.Text.Json.Nodes;

namespace AlertLinker.Tests.Sources;

/// <summary>
/// A seeded mutator for webhook fuzzing: byte flips, truncation, invalid UTF-8, and JSON-aware changes on real
/// payloads (type swaps, deleted and duplicated fields, deep nesting, huge strings, arrays and maps, lone surrogates).
/// The same seed gives the same inputs, so a failure is reproducible from its index.
/// </summary>
public sealed class JsonMutator(int seed)
{
    private readonly Random random = new(seed);
    private readonly Dictionary<string, string> placeholders = [];

    /// <summary>A mutated copy of <paramref name="original"/> and a short description of what was done.</summary>
    public (byte[] Body, string What) Mutate(byte[] original)
    {
        var roll = random.Next(100);
        if (roll < 12)
            return FlipBytes(original);
        if (roll < 20)
            return Truncate(original);
        if (roll < 25)
            return InvalidUtf8(original);

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(original);
        }
        catch (System.Text.Json.JsonException)
        {
            return FlipBytes(original);
        }
        if (root is null)
            return FlipBytes(original);

        placeholders.Clear();
        var steps = new List<string>();
        var count = 1 + random.Next(3);
        for (var i = 0; i < count; i++)
            steps.Add(MutateTree(ref root));
        var text = root?.ToJsonString() ?? "null";
        foreach (var (token, replacement) in placeholders)
            text = text.Replace("\"" + token + "\"", replacement, StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(text);
        if (random.Next(100) < 10)
        {
            var (flipped, what) = FlipBytes(body);
            return (flipped, string.Join("; ", steps) + "; " + what);
        }
        return (body, string.Join("; ", steps));
    }

    private (byte[], string) FlipBytes(byte[] original)
    {
        var body = (byte[])original.Clone();
        var flips = 1 + random.Next(4);
        for (var i = 0; i < flips && body.Length > 0; i++)
            body[random.Next(body.Length)] ^= (byte)(1 << random.Next(8));
        return (body, $"flipped {flips} bits");
    }

    private (byte[], string) Truncate(byte[] original)
    {
        var at = original.Length == 0 ? 0 : random.Next(original.Length);
        return (original[..at], $"truncated at {at}");
    }

    private (byte[], string) InvalidUtf8(byte[] original)
    {
        byte[][] sequences = [[0xFF], [0xC3, 0x28], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF]];
        var sequence = sequences[random.Next(sequences.Length)];
        var at = original.Length == 0 ? 0 : random.Next(original.Length);
        return ([.. original[..at], .. sequence, .. original[at..]], $"invalid UTF-8 {Convert.ToHexString(sequence)} at {at}");
    }

    private string MutateTree(ref JsonNode? root)
    {
        var nodes = new List<(JsonNode? Node, JsonNode Parent, string? Key, int Index)>();
        Collect(root, nodes);
        if (nodes.Count == 0)
        {
            root = RandomValue(out var what);
            return "root := " + what;
        }
        var (node, parent, key, index) = nodes[random.Next(nodes.Count)];
        var where = key ?? $"[{index}]";
        switch (random.Next(7))
        {
            case 0:
            case 1:
            {
                var value = RandomValue(out var what);
                Replace(parent, key, index, value);
                return $"{where} := {what}";
            }
            case 2:
                if (parent is JsonObject o && key is not null)
                    o.Remove(key);
                else if (parent is JsonArray a)
                    a.RemoveAt(index);
                return $"deleted {where}";
            case 3:
                if (parent is JsonObject obj && key is not null)
                {
                    // JsonNode cannot hold a duplicate key: write the object's text by hand, duplicate first.
                    var token = "__dup" + placeholders.Count + "__";
                    var objText = obj.ToJsonString();
                    var duplicate = "\"" + key.Replace("\"", "\\\"", StringComparison.Ordinal) + "\":" + (RandomValue(out _)?.ToJsonString() ?? "null");
                    placeholders[token] = objText.Length > 2 ? "{" + duplicate + "," + objText[1..] : "{" + duplicate + "}";
                    ReplaceNode(ref root, obj, JsonValue.Create(token));
                    return $"duplicated key {key}";
                }
                return "no-op";
            case 4:
            {
                var depth = 20 + random.Next(200);
                JsonNode? nested = node?.DeepClone();
                for (var i = 0; i < depth; i++)
                    nested = random.Next(2) == 0 ? new JsonArray(nested) : new JsonObject { ["n"] = nested };
                Replace(parent, key, index, nested);
                return $"{where} nested {depth} deep";
            }
            case 5:
            {
                if (parent is JsonObject o2)
                    o2[RandomKey()] = RandomValue(out _);
                return "added a field";
            }
            default:
            {
                var token = "__raw" + placeholders.Count + "__";
                string[] raw = ["\"\\ud800\"", "\"a\\udfffb\"", "1e400", "-0", "99999999999999999999999", "\"\\u0000\"", "0.0000001", "\"\\\"\""];
                placeholders[token] = raw[random.Next(raw.Length)];
                Replace(parent, key, index, JsonValue.Create(token));
                return $"{where} := raw {placeholders[token]}";
            }
        }
    }

    private static void Replace(JsonNode parent, string? key, int index, JsonNode? value)
    {
        if (parent is JsonObject o && key is not null)
            o[key] = value;
        else if (parent is JsonArray a)
            a[index] = value;
    }

    private static void ReplaceNode(ref JsonNode? root, JsonNode target, JsonNode replacement)
    {
        if (ReferenceEquals(root, target))
        {
            root = replacement;
            return;
        }
        switch (target.Parent)
        {
            case JsonObject o:
                o[target.GetPropertyName()] = replacement;
                break;
            case JsonArray a:
                a[target.GetElementIndex()] = replacement;
                break;
        }
    }

    private static void Collect(JsonNode? node, List<(JsonNode?, JsonNode, string?, int)> into)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, child) in o.ToList())
                {
                    into.Add((child, o, key, -1));
                    Collect(child, into);
                }
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    into.Add((a[i], a, null, i));
                    Collect(a[i], into);
                }
                break;
        }
    }

    private string RandomKey() => random.Next(4) switch
    {
        0 => "messages",
        1 => "version",
        2 => new string('k', random.Next(1, 300)),
        _ => "x" + random.Next(1000),
    };

    private JsonNode? RandomValue(out string what)
    {
        switch (random.Next(16))
        {
            case 0: what = "null"; return null;
            case 1: what = "true"; return JsonValue.Create(true);
            case 2: what = "0"; return JsonValue.Create(0);
            case 3: what = "-1"; return JsonValue.Create(-1L);
            case 4: what = "long.MaxValue"; return JsonValue.Create(long.MaxValue);
            case 5: what = "1.5"; return JsonValue.Create(1.5);
            case 6: what = "\"\""; return JsonValue.Create("");
            case 7:
                var size = random.Next(2) == 0 ? 5_000 : 300_000;
                what = $"a {size}-char string";
                return JsonValue.Create(new string('é', size));
            case 8: what = "{}"; return new JsonObject();
            case 9: what = "[]"; return new JsonArray();
            case 10:
                var keys = 100 + random.Next(5000);
                what = $"a map of {keys} keys";
                var map = new JsonObject();
                for (var i = 0; i < keys; i++)
                    map["k" + i] = "v" + i;
                return map;
            case 11:
                var items = 100 + random.Next(5000);
                what = $"an array of {items}";
                return new JsonArray(Enumerable.Range(0, items).Select(i => (JsonNode?)JsonValue.Create("t" + i)).ToArray());
            case 12:
                string[] words = ["firing", "resolved", "acknowledged", "incident.triggered", "incident.annotated", "pagey.ping", "Create", "AddNote", "Close", "1", "4", "incident_note", "incident"];
                what = "a meaningful word";
                return JsonValue.Create(words[random.Next(words.Length)]);
            case 13:
                string[] times = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-13-45T99:99:99Z", "yesterday", "2026-11-23T18:00:00.123456789Z"];
                what = "a timestamp-like string";
                return JsonValue.Create(times[random.Next(times.Length)]);
            case 14:
                string[] urls = ["javascript:alert(1)", "http://", "https://example.com/" + new string('a', 5000), "//evil.example", "ftp://x", "https://ok.example/path?x=<!channel>"];
                what = "a url-like string";
                return JsonValue.Create(urls[random.Next(urls.Length)]);
            default:
                what = "a big number";
                return JsonValue.Create(random.NextInt64(long.MinValue, long.MaxValue));
        }
    }
}
