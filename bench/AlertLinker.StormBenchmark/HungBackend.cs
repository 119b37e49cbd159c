using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace AlertLinker.StormBenchmark;

/// <summary>
/// <c>hung</c>: issue 13's "with a hung backend and a 2 s budget, every alert's message arrives ≤ 3 s after its
/// webhook". Jaeger's stand-in never answers, Tempo's answers after 10 s, the enrichment budget is 2 s, and
/// notifications arrive continuously (one every <c>--every</c> ms, <c>--count</c> of them, each its own group, over
/// ten services so that questions repeat). Slack in bot mode without pacing or storms, so what is measured is the
/// pipeline, not Slack's rate limit: for each notification, from just before its webhook is sent to the first Slack
/// call that names it. One warm-up notification goes first, not counted (<c>--warmup 0</c> measures a cold start).
/// </summary>
internal static class HungBackend
{
    private const string Token = "hung-bench-token";

    public static async Task<int> RunAsync(string appDll, string root, string fixtures, string[] args)
    {
        var count = int.Parse(Option(args, "--count") ?? "120", CultureInfo.InvariantCulture);
        var every = TimeSpan.FromMilliseconds(int.Parse(Option(args, "--every") ?? "250", CultureInfo.InvariantCulture));
        var warmups = int.Parse(Option(args, "--warmup") ?? "1", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        await using var slack = await StandIn.StartAsync(clock, StandIn.Slack());
        await using var jaeger = await StandIn.StartAsync(clock, async (context, _) =>
            await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));
        var tempoAnswers = StandIn.Fixtures(
            ("/api/search", File.ReadAllText(Path.Combine(fixtures, "backends/tempo/search_traceql_response.docs.json"))),
            ("/api/traces/", File.ReadAllText(Path.Combine(fixtures, "backends/tempo/trace_by_id_v2_response.docs.json"))));
        await using var tempo = await StandIn.StartAsync(clock, async (context, body) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            if (!context.RequestAborted.IsCancellationRequested)
                await tempoAnswers(context, body);
        });

        var port = ServiceProcess.FreePort();
        var data = Directory.CreateTempSubdirectory("alertlinker-hung-");
        var start = ServiceProcess.StartInfo(appDll, root, port, data, Token, "CHUNG001", slack.Url);
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["AlertLinker__Enrichment__Budget"] = "00:00:02",
            ["AlertLinker__Slack__PaceInterval"] = "00:00:00",
            ["AlertLinker__Slack__PaceBurst"] = "50",
            ["AlertLinker__Slack__StormThreshold"] = "1000",
            ["AlertLinker__Backends__jaeger__Type"] = "Jaeger",
            ["AlertLinker__Backends__jaeger__ApiUrl"] = jaeger.Url,
            ["AlertLinker__Backends__jaeger__Api"] = "V1",
            ["AlertLinker__Backends__tempo__Type"] = "Tempo",
            ["AlertLinker__Backends__tempo__ApiUrl"] = tempo.Url,
            ["AlertLinker__Backends__tempo__UiUrl"] = "http://grafana.bench/",
            ["AlertLinker__Backends__tempo__DatasourceUid"] = "tempo",
        })
            start.Environment[key] = value;
        foreach (var setting in args.Where(a => a.Contains('=', StringComparison.Ordinal) && a.Contains("__", StringComparison.Ordinal)))
            start.Environment[setting[..setting.IndexOf('=', StringComparison.Ordinal)]] = setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..];
        using var app = Process.Start(start)!;
        app.OutputDataReceived += (_, e) => { if (e.Data is not null && args.Contains("--app-log")) Console.Error.WriteLine($"{clock.Elapsed.TotalSeconds:0.000} app: " + e.Data); };
        app.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("app: " + e.Data); };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
            if (!await ServiceProcess.ReadyAsync(http))
            {
                Console.Error.WriteLine("hung-backend benchmark: the service did not answer /healthz within 60 s");
                return 1;
            }

            // A running service, not a cold one: one notification first (not counted), until Slack has it, so that
            // start-up costs (JIT, first connections) are not charged to the first alerts measured. --warmup 0: cold.
            for (var w = 0; w < warmups; w++)
            {
                await PostAsync(http, "Warmup" + w, "svc-warmup", count + w);
                var until = clock.Elapsed + TimeSpan.FromSeconds(30);
                while (clock.Elapsed < until && !slack.Requests.Any(r => r.Body.Contains("Warmup" + w, StringComparison.Ordinal)))
                    await Task.Delay(100);
            }
            var warmupCalls = slack.Requests.Count;
            var jaegerBefore = jaeger.Requests.Count;
            var tempoBefore = tempo.Requests.Count;

            // Continuous arrival on a fixed schedule (not after the previous answer), like alerts firing.
            var sent = new TimeSpan[count];
            var posts = new List<Task>();
            var t0 = clock.Elapsed;
            for (var i = 0; i < count; i++)
            {
                var due = t0 + every * i;
                if (due > clock.Elapsed)
                    await Task.Delay(due - clock.Elapsed);
                sent[i] = clock.Elapsed;
                posts.Add(PostAsync(http, Name(i), $"svc{i % 10:00}", i));
            }
            await Task.WhenAll(posts);

            // Watch Slack until every notification is named or 30 s after the last webhook.
            var arrived = new TimeSpan?[count];
            var seen = 0;
            var last = clock.Elapsed;
            while (arrived.Any(a => a is null) && clock.Elapsed - last < TimeSpan.FromSeconds(30))
            {
                var calls = slack.Requests.ToArray();
                for (; seen < calls.Length; seen++)
                {
                    for (var i = 0; i < count; i++)
                    {
                        if (arrived[i] is null && calls[seen].Body.Contains(Name(i), StringComparison.Ordinal))
                            arrived[i] = calls[seen].At;
                    }
                }
                await Task.Delay(100);
            }

            var latencies = Enumerable.Range(0, count).Where(i => arrived[i] is not null).Select(i => (arrived[i]!.Value - sent[i]).TotalSeconds).Order().ToArray();
            double Pct(double p) => latencies.Length == 0 ? double.NaN : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p / 100 * latencies.Length) - 1)];
            var lateOnes = Enumerable.Range(0, count).Where(i => arrived[i] is null || (arrived[i]!.Value - sent[i]).TotalSeconds > 3).ToList();
            var late = lateOnes.Count > 0 ? $" — numbers {string.Join(", ", lateOnes)} (0-based, in sending order)" : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"hung backend: {count} notifications, one every {every.TotalMilliseconds:0} ms, after {warmups} warm-up; Jaeger hangs, Tempo answers in 10 s, budget 2 s; " +
                $"{Environment.ProcessorCount} cores, load average {LoadAverage()}"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"webhook→Slack s: p50 {Pct(50):0.00} p90 {Pct(90):0.00} p99 {Pct(99):0.00} max {Pct(100):0.00}; " +
                $"arrived {latencies.Length}/{count}; later than 3 s: {latencies.Count(l => l > 3)} (target: 0){late}"));
            Console.WriteLine($"backend requests (measured part): Jaeger {jaeger.Requests.Count - jaegerBefore}, Tempo {tempo.Requests.Count - tempoBefore}; Slack calls {slack.Requests.Count - warmupCalls}");
            return 0;
        }
        finally
        {
            app.Kill(entireProcessTree: true);
            await app.WaitForExitAsync();
            data.Delete(recursive: true);
        }
    }

    private static string Name(int i) => $"Hung{i:000}";

    private static async Task PostAsync(HttpClient http, string name, string service, int i)
    {
        var startsAt = DateTime.UtcNow.AddSeconds(-10).ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var body = $$"""
            {"receiver":"slack","status":"firing","version":"4","groupKey":"{}:{alertname=\"{{name}}\"}","truncatedAlerts":0,
             "groupLabels":{"alertname":"{{name}}"},"commonLabels":{"alertname":"{{name}}","service":"{{service}}","severity":"critical"},
             "commonAnnotations":{},"externalURL":"http://alertmanager.bench","alerts":[
              {"status":"firing","labels":{"alertname":"{{name}}","service":"{{service}}","severity":"critical"},
               "annotations":{"summary":"{{name}} on {{service}}"},"startsAt":"{{startsAt}}","endsAt":"0001-01-01T00:00:00Z",
               "generatorURL":"http://prometheus.bench/graph?g0.expr=up","fingerprint":"{{i:x16}}"}]}
            """;
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync("webhooks/alertmanager", content);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new InvalidOperationException($"webhook answered {(int)response.StatusCode}");
    }

    private static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
