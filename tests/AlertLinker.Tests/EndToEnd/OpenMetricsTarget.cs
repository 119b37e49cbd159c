using System.Globalization;
using System.Text;
using AlertLinker.Tests.EndToEnd.Harness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// A scrape target on 127.0.0.1 that looks like a slow checkout service: an OpenMetrics latency histogram whose
/// buckets carry exemplars <c># {trace_id="…"} value timestamp</c>. Every scrape adds slow requests, so
/// <c>histogram_quantile(0.99, rate(…))</c> is well above 0.5 s and the rule fires; every scrape also carries
/// fresh trace ids, and the test keeps each id it served.
/// </summary>
internal sealed class OpenMetricsTarget : IAsyncDisposable
{
    public const string Metric = "http_request_duration_seconds";
    public const string ContentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private readonly WebApplication app;
    private readonly Lock gate = new();
    private readonly HashSet<string> servedTraceIds = [];
    private long fast;
    private long slow;
    private double sum;

    private OpenMetricsTarget(string service, int port)
    {
        Service = service;
        Port = port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapGet("/metrics", (HttpContext context) =>
        {
            context.Response.ContentType = ContentType;
            return context.Response.WriteAsync(Scrape(), context.RequestAborted);
        });
    }

    public string Service { get; }

    public int Port { get; }

    public string Target => $"127.0.0.1:{Port}";

    public int Scrapes { get; private set; }

    /// <summary>The exemplar-carrying series, as a PromQL selector.</summary>
    public string BucketSelector => $"{Metric}_bucket{{service=\"{Service}\"}}";

    public static async Task<OpenMetricsTarget> StartAsync(string service, CancellationToken cancellationToken)
    {
        var target = new OpenMetricsTarget(service, FreePort.Next());
        await target.app.StartAsync(cancellationToken);
        return target;
    }

    public IReadOnlySet<string> ServedTraceIds
    {
        get
        {
            lock (gate)
                return servedTraceIds.ToHashSet();
        }
    }

    private string Scrape()
    {
        string fastTrace = NewTraceId(), slowTrace = NewTraceId();
        long fastCount, slowCount;
        double total;
        lock (gate)
        {
            Scrapes++;
            fast += 5;
            slow += 20;
            sum += 5 * 0.8 + 20 * 1.8;
            fastCount = fast;
            slowCount = slow;
            total = sum;
            servedTraceIds.Add(fastTrace);
            servedTraceIds.Add(slowTrace);
        }

        var now = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        var labels = $"service=\"{Service}\"";
        // OpenMetrics 1.0: cumulative buckets, at most one exemplar per bucket, whose value lies inside the bucket.
        var text = new StringBuilder()
            .Append("# TYPE ").Append(Metric).Append(" histogram\n")
            .Append("# HELP ").Append(Metric).Append(" Latency of HTTP requests.\n")
            .Append(Metric).Append("_bucket{").Append(labels).Append(",le=\"0.1\"} 0\n")
            .Append(Metric).Append("_bucket{").Append(labels).Append(",le=\"1.0\"} ").Append(fastCount)
            .Append(" # {trace_id=\"").Append(fastTrace).Append("\"} 0.8 ").Append(now).Append('\n')
            .Append(Metric).Append("_bucket{").Append(labels).Append(",le=\"2.5\"} ").Append(fastCount + slowCount)
            .Append(" # {trace_id=\"").Append(slowTrace).Append("\"} 1.8 ").Append(now).Append('\n')
            .Append(Metric).Append("_bucket{").Append(labels).Append(",le=\"+Inf\"} ").Append(fastCount + slowCount).Append('\n')
            .Append(Metric).Append("_sum{").Append(labels).Append("} ").Append(total.ToString("0.0", CultureInfo.InvariantCulture)).Append('\n')
            .Append(Metric).Append("_count{").Append(labels).Append("} ").Append(fastCount + slowCount).Append('\n')
            .Append("# EOF\n");
        return text.ToString();
    }

    private static string NewTraceId() => Guid.NewGuid().ToString("N");

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await app.StopAsync(stop.Token);
        await app.DisposeAsync();
    }
}
