using System.Globalization;
using AlertLinker.Backends;

namespace AlertLinker.Tests.Analysis;

/// <summary>Synthetic traces for the analysis tests: times in milliseconds from a fixed instant, ids generated.</summary>
internal sealed class TraceBuilder(string traceId = "4bf92f3577b34da6a3ce929d0e0e4736")
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 14, 2, 0, TimeSpan.Zero);

    private readonly List<Span> _spans = [];
    private int _next;

    /// <summary>Adds a span and returns its id, to be the parent of the next ones.</summary>
    public string Add(
        string? parent,
        string service,
        string operation,
        double startMs,
        double durationMs,
        SpanStatus status = SpanStatus.Unset,
        string? id = null,
        string? message = null,
        params (string Key, string Value)[] attributes)
    {
        id ??= (++_next).ToString("x16", CultureInfo.InvariantCulture);
        _spans.Add(new Span(
            traceId,
            id,
            parent,
            service,
            operation,
            T0 + Ms(startMs),
            Ms(durationMs),
            status,
            attributes.ToDictionary(a => a.Key, a => a.Value))
        {
            StatusMessage = message,
        });
        return id;
    }

    public Trace Build() => new(traceId, [.. _spans]);

    // Rounded to whole ticks, so that 200 × 4.3 ms are exactly back to back.
    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromTicks((long)Math.Round(milliseconds * TimeSpan.TicksPerMillisecond));

    /// <summary>The seed picture of PRODUCT.md: checkout → product (12 ms) and inventory (790 ms) → a 788 ms query.</summary>
    public static Trace Seed(string traceId = "4bf92f3577b34da6a3ce929d0e0e4736", string sku = "A-1")
    {
        var trace = new TraceBuilder(traceId);
        var checkout = trace.Add(null, "checkout-service", "GET /checkout", 0, 800);
        trace.Add(checkout, "product-service", "GET /products", 2, 12);
        var inventory = trace.Add(checkout, "inventory-service", "GET /stock", 6, 790);
        trace.Add(inventory, "inventory-service", "SELECT stock", 7, 788, attributes:
            [("db.system", "postgresql"), ("db.name", "inventory"), ("db.statement", $"SELECT stock FROM inventory WHERE sku = '{sku}'")]);
        return trace.Build();
    }

    /// <summary>
    /// Issue 10's trace: inventory-service runs 30 × <c>SELECT price FROM items WHERE id = ?</c> (750 ms of an 812 ms
    /// request) under its <c>GET /stock</c> handler, which spends 40 ms itself: the most own time of any single span.
    /// </summary>
    public static Trace DecoyNPlusOne()
    {
        var trace = new TraceBuilder();
        var checkout = trace.Add(null, "checkout-service", "GET /checkout", 0, 812);
        var stock = trace.Add(checkout, "inventory-service", "GET /stock", 10, 790);
        for (var i = 0; i < 30; i++)
        {
            trace.Add(stock, "inventory-service", "SELECT items", 30 + i * 25, 25, attributes:
                [("db.system", "postgresql"), ("db.name", "inventory"), ("db.statement", $"SELECT price FROM items WHERE id = {4711 + i}")]);
        }
        return trace.Build();
    }

    /// <summary>product-service runs one price query per product: 200 sequential 4.3 ms queries.</summary>
    public static Trace NPlusOne(int queries = 200, double queryMs = 4.3) => NPlusOne("4bf92f3577b34da6a3ce929d0e0e4736", queries, queryMs);

    public static Trace NPlusOne(string traceId, int queries = 200, double queryMs = 4.3)
    {
        var trace = new TraceBuilder(traceId);
        var root = trace.Add(null, "product-service", "GET /products", 0, 20 + queries * queryMs + 20);
        trace.Add(root, "product-service", "SELECT products", 1, 15, attributes: [("db.statement", "SELECT id FROM products LIMIT 200")]);
        for (var i = 0; i < queries; i++)
        {
            trace.Add(root, "product-service", "SELECT prices", 20 + i * queryMs, queryMs, attributes:
                [("db.system", "postgresql"), ("db.statement", $"SELECT price FROM prices WHERE id = {1000 + i}")]);
        }
        return trace.Build();
    }
}
