using AlertLinker.Backends;

namespace AlertLinker.Benchmarks;

/// <summary>The shapes the analysis must stay linear-ish on. Deterministic: same spans on every run.</summary>
public static class SyntheticTraces
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 14, 2, 0, TimeSpan.Zero);
    private static readonly Dictionary<string, string> NoAttributes = [];

    /// <summary>One handler issuing <c>spans - 1</c> sequential price queries: the widest sibling set there is.</summary>
    public static Trace WideNPlusOne(int spans)
    {
        var list = new List<Span>(spans);
        var queryTicks = 5 * TimeSpan.TicksPerMillisecond / 10; // 0.5 ms each
        list.Add(Make("0", null, "product-service", "GET /products", 0, (spans + 1) * queryTicks, NoAttributes));
        for (var i = 1; i < spans; i++)
        {
            list.Add(Make(Id(i), "0", "product-service", "SELECT prices", i * queryTicks, queryTicks, new Dictionary<string, string>
            {
                ["db.system"] = "postgresql",
                ["db.statement"] = $"SELECT price FROM prices WHERE id = {100_000 + i} AND currency = 'EUR'",
            }));
        }
        return new Trace("wide", list);
    }

    /// <summary>A chain <paramref name="spans"/> deep, every span errored, the slow one at the bottom.</summary>
    public static Trace DeepChain(int spans)
    {
        var list = new List<Span>(spans);
        var ms = TimeSpan.TicksPerMillisecond;
        for (var i = 0; i < spans - 1; i++)
            list.Add(Make(Id(i), i == 0 ? null : Id(i - 1), $"svc{i % 7}", $"call {i}", i * ms, (3L * spans - 2L * i) * ms, NoAttributes, SpanStatus.Error));
        list.Add(Make(Id(spans - 1), Id(spans - 2), "db", "SELECT slow", (spans - 1) * ms, (spans + 2L) * ms, NoAttributes, SpanStatus.Error));
        return new Trace("deep", list);
    }

    /// <summary>A bushy random tree (fixed seed): parents among the 50 latest spans, a few errors, repeated names.</summary>
    public static Trace RandomTree(int spans, int seed = 42)
    {
        var random = new Random(seed);
        var list = new List<Span>(spans);
        var total = 10_000 * TimeSpan.TicksPerMillisecond;
        list.Add(Make(Id(0), null, "edge", "GET /", 0, total, NoAttributes));
        for (var i = 1; i < spans; i++)
        {
            var parent = list[random.Next(Math.Max(0, i - 50), i)];
            var parentStart = (parent.Start - T0).Ticks;
            var start = parentStart + (long)(random.NextDouble() * parent.Duration.Ticks * 0.5);
            var duration = (long)(random.NextDouble() * (parentStart + parent.Duration.Ticks - start));
            list.Add(Make(Id(i), parent.SpanId, $"svc{random.Next(20)}", $"op {random.Next(5)}", start, duration, NoAttributes,
                random.Next(50) == 0 ? SpanStatus.Error : SpanStatus.Unset));
        }
        return new Trace("random", list);
    }

    /// <summary>
    /// A consumer root without a parent (topic "orders"), handlers of one message each: per handler a cache look-up
    /// that misses, two failed attempts of a payment call and a third that succeeds, and a producer with no consumer in
    /// the trace; business attributes (tenant, region, pod) on every span. Every new detector has work to do.
    /// </summary>
    public static Trace Messaging(int spans)
    {
        var list = new List<Span>(spans);
        var ms = TimeSpan.TicksPerMillisecond;
        const int perHandler = 6;
        var handlers = Math.Max(1, (spans - 1) / perHandler);
        list.Add(Make(Id(0), null, "billing", "orders process", 0, (handlers * 10 + 10) * ms, new Dictionary<string, string>
        {
            ["messaging.system"] = "kafka",
            ["messaging.destination.name"] = "orders",
        }) with { Kind = "consumer" });
        for (var h = 0; h < handlers && list.Count < spans; h++)
        {
            var at = h * 10 * ms;
            var handler = Id(list.Count);
            var business = new Dictionary<string, string>
            {
                ["tenant.id"] = $"tenant-{h % 7}",
                ["region"] = h % 2 == 0 ? "eu-west-1" : "us-east-1",
                ["k8s.pod.name"] = $"billing-{h % 5}",
            };
            list.Add(Make(handler, Id(0), "billing", "handle order", at, 9 * ms, business));
            void Child(string service, string operation, long start, long duration, Dictionary<string, string> attributes, SpanStatus status = SpanStatus.Unset, string? kind = null)
            {
                if (list.Count < spans)
                    list.Add(Make(Id(list.Count), handler, service, operation, start, duration, attributes, status) with { Kind = kind });
            }
            Child("billing", "GET", at + ms / 10, ms / 2, new() { ["db.system"] = "redis", ["cache.hit"] = h % 4 == 0 ? "true" : "false" }, kind: "client");
            for (var attempt = 0; attempt < 3; attempt++)
            {
                Child("billing", "POST", at + (1 + attempt * 2) * ms, ms + ms / 2,
                    new() { ["peer.service"] = "payment-gateway", ["http.response.status_code"] = attempt < 2 ? "503" : "200" },
                    attempt < 2 ? SpanStatus.Error : SpanStatus.Unset, "client");
            }
            Child("billing", "invoices publish", at + 8 * ms, ms / 4, new() { ["messaging.system"] = "kafka", ["messaging.destination.name"] = "invoices" }, kind: "producer");
        }
        return new Trace("messaging", list);
    }

    private static string Id(int i) => i.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    private static Span Make(string id, string? parent, string service, string operation, long startTicks, long durationTicks,
        IReadOnlyDictionary<string, string> attributes, SpanStatus status = SpanStatus.Unset) =>
        new("t", id, parent, service, operation, T0.AddTicks(startTicks), TimeSpan.FromTicks(durationTicks), status, attributes);
}
