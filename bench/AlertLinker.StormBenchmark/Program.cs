using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AlertLinker.StormBenchmark;

// The storm of issue 13, replayed through the real service: 10 000 alerts in 200 Alertmanager notifications
// (20 services × 10 alert names, 50 alerts each), Slack in bot mode with the default pace, against stand-ins for
// Slack, Jaeger (v1), Tempo and Zipkin that serve the ../shared/fixtures formats. Prints what docs/benchmarks.md reports.
//   dotnet build -c Release src/AlertLinker && dotnet run -c Release --project bench/AlertLinker.StormBenchmark
// Options: --app <AlertLinker.dll> (default: the Release build), --fixtures <dir> (default: ../shared/fixtures),
// --observe <seconds> (how long to watch, default 90). `hung [--count N] [--every MS]`: the hung-backend scenario.

const int Services = 20;
const int AlertNames = 10;
const int AlertsPerNotification = 50;
const string Token = "storm-bench-token";

var root = FindRoot();
var appDll = Arg("--app") ?? Path.Combine(root, "src/AlertLinker/bin/Release/net10.0/AlertLinker.dll");
var fixtures = Arg("--fixtures") ?? Path.GetFullPath(Path.Combine(root, "../shared/fixtures"));
var observe = TimeSpan.FromSeconds(double.Parse(Arg("--observe") ?? "90", CultureInfo.InvariantCulture));
if (!File.Exists(appDll))
    return Fail($"no {appDll}: build it first (dotnet build -c Release src/AlertLinker)");
// `hung`: a hung backend and a 2 s budget while notifications arrive continuously (see HungBackend).
if (args is ["hung", ..])
    return await HungBackend.RunAsync(appDll, root, fixtures, args);
string Fixture(string name) => File.ReadAllText(Path.Combine(fixtures, "backends", name));

var clock = Stopwatch.StartNew();
await using var slack = await StandIn.StartAsync(clock, StandIn.Slack());
await using var jaeger = await StandIn.StartAsync(clock, StandIn.Fixtures(
    ("/api/traces/", Fixture("jaeger/v1_ui_trace_model.json")),
    ("/api/traces", Fixture("jaeger/v1_api_traces_response.json"))));
await using var tempo = await StandIn.StartAsync(clock, StandIn.Fixtures(
    ("/api/search", Fixture("tempo/search_traceql_response.docs.json")),
    ("/api/traces/", Fixture("tempo/trace_by_id_v2_response.docs.json"))));
await using var zipkin = await StandIn.StartAsync(clock, StandIn.Fixtures(
    ("/api/v2/traces", "[" + Fixture("zipkin/trace_by_id_yelp.json") + "]"),
    ("/api/v2/trace/", Fixture("zipkin/trace_by_id_yelp.json"))));

var port = ServiceProcess.FreePort();
var data = Directory.CreateTempSubdirectory("alertlinker-storm-");
var start = ServiceProcess.StartInfo(appDll, root, port, data, Token, "CSTORM01", slack.Url);
foreach (var (key, value) in new Dictionary<string, string>
{
    ["Logging__LogLevel__AlertLinker.Pipeline.DeliveryWorker"] = "Information",
    ["AlertLinker__Backends__jaeger__Type"] = "Jaeger",
    ["AlertLinker__Backends__jaeger__ApiUrl"] = jaeger.Url,
    ["AlertLinker__Backends__jaeger__Api"] = "V1",
    ["AlertLinker__Backends__tempo__Type"] = "Tempo",
    ["AlertLinker__Backends__tempo__ApiUrl"] = tempo.Url,
    ["AlertLinker__Backends__tempo__UiUrl"] = "http://grafana.bench/",
    ["AlertLinker__Backends__tempo__DatasourceUid"] = "tempo",
    ["AlertLinker__Backends__zipkin__Type"] = "Zipkin",
    ["AlertLinker__Backends__zipkin__ApiUrl"] = zipkin.Url,
})
    start.Environment[key] = value;
using var app = Process.Start(start)!;
var delivered = new List<TimeSpan>();
app.OutputDataReceived += (_, e) =>
{
    if (e.Data?.Contains("Delivered notification", StringComparison.Ordinal) == true)
        lock (delivered)
            delivered.Add(clock.Elapsed);
};
app.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("app: " + e.Data); };
app.BeginOutputReadLine();
app.BeginErrorReadLine();

using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(30) };
http.DefaultRequestHeaders.Authorization = new("Bearer", Token);
if (!await ServiceProcess.ReadyAsync(http))
    return Fail("the service did not answer /healthz within 60 s");

// Like Alertmanager: a few notifications in flight at once.
var groups = (from s in Enumerable.Range(0, Services) from a in Enumerable.Range(0, AlertNames) select (Service: s, Alert: a)).ToList();
var firstWebhook = clock.Elapsed;
var stormStart = DateTimeOffset.UtcNow.AddSeconds(-30);
await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (group, token) =>
{
    using var content = new StringContent(Notification(group.Service, group.Alert, stormStart), Encoding.UTF8, "application/json");
    using var response = await http.PostAsync("webhooks/alertmanager", content, token);
    if (response.StatusCode != HttpStatusCode.Accepted)
        throw new InvalidOperationException($"webhook answered {(int)response.StatusCode}");
});
var accepted = clock.Elapsed - firstWebhook;

// Watch Slack until every group is named (and at least the first minute has passed, for the call count).
var named = new Dictionary<(int, int), TimeSpan>();
var seen = 0;
while (clock.Elapsed - firstWebhook < observe && (named.Count < groups.Count || clock.Elapsed - firstWebhook < TimeSpan.FromSeconds(61)))
{
    var calls = slack.Requests.ToArray();
    for (; seen < calls.Length; seen++)
    {
        var body = Strings(calls[seen].Body);
        foreach (var group in groups)
        {
            if (!named.ContainsKey(group) && Names(body, group.Service, group.Alert))
                named[group] = calls[seen].At - firstWebhook;
        }
    }
    await Task.Delay(200);
}

var peak = PeakMemory(app.Id);
app.Kill(entireProcessTree: true);
await app.WaitForExitAsync();
data.Delete(recursive: true);

var slackCalls = slack.Requests.ToArray();
var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"webhooks: {groups.Count} notifications × {AlertsPerNotification} alerts, all accepted in {accepted.TotalSeconds:0.0} s");
// Messages only: the readiness check's auth.test can come before the first webhook.
report.AppendLine(CultureInfo.InvariantCulture, $"first Slack call: {Seconds(slackCalls.FirstOrDefault(c => c.Path.Contains("/chat.", StringComparison.Ordinal))?.At - firstWebhook)} after the first webhook (target ≤ 5 s)");
report.AppendLine(CultureInfo.InvariantCulture, $"groups named in Slack: {named.Count}/{groups.Count}, the last {Seconds(named.Count == groups.Count ? named.Values.Max() : null)} after the first webhook (target ≤ 30 s)");
report.AppendLine(CultureInfo.InvariantCulture, $"Slack calls in the first minute: {slackCalls.Count(c => c.At - firstWebhook <= TimeSpan.FromMinutes(1))} (target ≤ 60); in {Seconds(clock.Elapsed - firstWebhook)} watched: {slackCalls.Length} " +
    $"({slackCalls.Count(c => c.Path.EndsWith("chat.postMessage", StringComparison.Ordinal))} chat.postMessage, {slackCalls.Count(c => c.Path.EndsWith("chat.update", StringComparison.Ordinal))} chat.update)");
lock (delivered)
    report.AppendLine(CultureInfo.InvariantCulture, $"notifications marked delivered: {delivered.Count}/{groups.Count}, the last {Seconds(delivered.Count > 0 ? delivered.Max() - firstWebhook : null)} after the first webhook");
foreach (var (name, standIn) in new[] { ("Jaeger", jaeger), ("Tempo", tempo), ("Zipkin", zipkin) })
{
    var requests = standIn.Requests.ToArray();
    var byPath = requests.GroupBy(r => Regex.Replace(r.Path, "/[0-9a-fA-F]{16,32}$", "/{id}")).Select(g => $"{g.Key} {g.Count()}");
    report.AppendLine(CultureInfo.InvariantCulture, $"{name} requests: {requests.Length} (target ≤ 100): {string.Join(", ", byPath)}");
}
report.AppendLine(CultureInfo.InvariantCulture, $"peak memory of the service (VmHWM): {peak} (target ≤ 300 MB)");
Console.Write(report);
return 0;

string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

static int Fail(string message)
{
    Console.Error.WriteLine("storm benchmark: " + message);
    return 1;
}

static string Seconds(TimeSpan? span) => span is { } s ? s.TotalSeconds.ToString("0.0 's'", CultureInfo.InvariantCulture) : "never";

// A group is named when one message says its alert name and its service together: a digest line
// ("*Alert3* · svc07 · 50 alerts"), a batched line, or its own message ("🔥 FIRING: Alert3 — svc07 — …").
static bool Names(string body, int service, int alert) =>
    Regex.IsMatch(body, $@"\bAlert{alert:00}\b[^\n""]{{0,80}}\bsvc{service:00}\b");

static string Notification(int service, int alert, DateTimeOffset stormStart)
{
    var name = $"Alert{alert:00}";
    var svc = $"svc{service:00}";
    var alerts = Enumerable.Range(0, AlertsPerNotification).Select(i =>
    {
        var startsAt = stormStart.AddSeconds((service * AlertNames + alert) % 20 + i % 5).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var fingerprint = ((long)service << 32 | (long)alert << 16 | (uint)i).ToString("x16", CultureInfo.InvariantCulture);
        return $$"""
            {"status":"firing","labels":{"alertname":"{{name}}","service":"{{svc}}","instance":"pod-{{i}}","severity":"critical"},
             "annotations":{"summary":"{{name}} on {{svc}}"},"startsAt":"{{startsAt}}","endsAt":"0001-01-01T00:00:00Z",
             "generatorURL":"http://prometheus.bench/graph?g0.expr=up","fingerprint":"{{fingerprint}}"}
            """;
    });
    return $$"""
        {"receiver":"slack","status":"firing","version":"4","groupKey":"{}:{alertname=\"{{name}}\",service=\"{{svc}}\"}","truncatedAlerts":0,
         "groupLabels":{"alertname":"{{name}}","service":"{{svc}}"},"commonLabels":{"alertname":"{{name}}","service":"{{svc}}","severity":"critical"},
         "commonAnnotations":{},"externalURL":"http://alertmanager.bench","alerts":[{{string.Join(",", alerts)}}]}
        """;
}

// Every string of a JSON body, one per line (the text Slack would show, entities and all).
static string Strings(string json)
{
    var text = new StringBuilder();
    void Walk(System.Text.Json.JsonElement element)
    {
        switch (element.ValueKind)
        {
            case System.Text.Json.JsonValueKind.String:
                text.Append(element.GetString()).Append('\n');
                break;
            case System.Text.Json.JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    Walk(property.Value);
                break;
            case System.Text.Json.JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    Walk(item);
                break;
        }
    }
    try
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        Walk(document.RootElement);
    }
    catch (System.Text.Json.JsonException)
    {
        return json;
    }
    return text.ToString();
}

static string PeakMemory(int pid)
{
    var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return line is null ? "unknown" : (long.Parse(Regex.Match(line, @"\d+").Value, CultureInfo.InvariantCulture) / 1024.0).ToString("0 'MB'", CultureInfo.InvariantCulture);
}

static string FindRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "AlertLinker.sln")))
            return dir.FullName;
    }
    return Directory.GetCurrentDirectory();
}
