using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;

namespace AlertLinker.StormBenchmark;

/// <summary>One call a stand-in received: when (since the run's clock started), what, and the body.</summary>
internal sealed record Received(TimeSpan At, string Path, string Body);

/// <summary>
/// A tiny Kestrel server on 127.0.0.1 (an ephemeral port) answering with fixed handlers, recording every request.
/// </summary>
internal sealed class StandIn : IAsyncDisposable
{
    private readonly WebApplication app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public string Url { get; }

    private StandIn(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public static async Task<StandIn> StartAsync(Stopwatch clock, Func<HttpContext, string, Task> handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        StandIn? self = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            self!.Requests.Enqueue(new Received(clock.Elapsed, context.Request.Path.Value ?? "", body));
            await handle(context, body);
        });
        await app.StartAsync();
        self = new StandIn(app, app.Urls.First().TrimEnd('/') + "/");
        return self;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();

    /// <summary>Slack's chat.postMessage and chat.update: ok, a new ts per message, the channel ID echoed.</summary>
    public static Func<HttpContext, string, Task> Slack()
    {
        long next = 1_700_000_000_000_001;
        return async (context, body) =>
        {
            var root = JsonDocument.Parse(string.IsNullOrEmpty(body) ? "{}" : body).RootElement;
            var channel = root.TryGetProperty("channel", out var c) ? c.GetString() : "C0";
            var ts = context.Request.Path.Value!.EndsWith("chat.update", StringComparison.Ordinal) && root.TryGetProperty("ts", out var t)
                ? t.GetString()
                : FormatTs(Interlocked.Increment(ref next));
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { ok = true, channel, ts }));
        };
    }

    private static string FormatTs(long n) => $"{n / 1_000_000}.{n % 1_000_000:D6}";

    /// <summary>Serves fixture files by path: the first rule whose prefix matches; 404 otherwise.</summary>
    public static Func<HttpContext, string, Task> Fixtures(params (string Prefix, string Body)[] rules) =>
        async (context, _) =>
        {
            var path = context.Request.Path.Value ?? "";
            foreach (var (prefix, body) in rules)
            {
                if (path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(body);
                    return;
                }
            }
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("404 page not found\n");
        };
}
