using AlertLinker.Tests.TestSupport;
using AlertLinker.Backends;
using AlertLinker.Resolution;
using AlertLinker.Runbooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Runbooks;

internal static class RunbookTestData
{
    /// <summary>What Slack receives of a rendered runbook: its neutral markup formatted (and escaped) by the sink.</summary>
    public static string Slack(this RenderedRunbook runbook) => AlertLinker.Slack.SlackText.FromMarkup(runbook.Text);

    public static readonly DateTimeOffset Start = new(2026, 11, 23, 18, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset End = new(2026, 11, 23, 18, 20, 0, TimeSpan.Zero);

    public static ResolvedAlert Alert(
        string name = "PostgresConnectionPoolSaturated",
        string? service = "inventory-service",
        IReadOnlyDictionary<string, string>? labels = null,
        IReadOnlyDictionary<string, string>? annotations = null,
        string? operation = null) =>
        new(
            new Alert
            {
                Fingerprint = "fe0fe2f5df26dea5",
                Status = AlertStatus.Firing,
                Name = name,
                Labels = labels ?? new Dictionary<string, string> { ["alertname"] = name, ["severity"] = "critical" },
                Annotations = annotations ?? new Dictionary<string, string> { ["summary"] = "pool at 100%" },
                StartsAt = Start.AddMinutes(15),
                GeneratorUrl = "http://prometheus.example.com:9090/graph?g0.expr=pg_up+%3D%3D+0&g0.tab=1",
            },
            service,
            operation,
            new AlertWindow(Start, End),
            "pg_up == 0");

    public static BackendSection Section(string backend = "jaeger-prod", string type = "Jaeger") =>
        new(backend, type,
            [new BackendLink("Slow traces", new Uri("https://jaeger.example.com/search?service=inventory-service&start=1&end=2"), "minDuration=500ms")],
            [new TraceSummary("4bf92f3577b34da6a3ce929d0e0e4736", "checkout-service", "POST /checkout", Start.AddMinutes(16), TimeSpan.FromMilliseconds(800.5), true,
                new Uri("https://jaeger.example.com/trace/4bf92f3577b34da6a3ce929d0e0e4736"))],
            BackendOutcome.Found,
            null);

    public static BackendDirectory Backends(params ITraceBackend[] backends)
    {
        var services = new ServiceCollection();
        foreach (var backend in backends)
            services.AddSingleton(backend);
        return new BackendDirectory(services.BuildServiceProvider());
    }

    public static ScribanRunbookRenderer Renderer(
        RunbookLibrary library,
        RunbookOptions? options = null,
        BackendDirectory? backends = null,
        TimeProvider? time = null) =>
        new(library, options ?? new RunbookOptions(), backends ?? Backends(new FakeTraceBackend("jaeger-test", "Jaeger")),
            time ?? new FakeTimeProvider(End), NullLogger<ScribanRunbookRenderer>.Instance);
}

/// <summary>A throw-away runbook folder.</summary>
internal sealed class RunbookFolder : IDisposable
{
    public RunbookFolder(params (string File, string Text)[] files)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "alertlinker-runbooks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        foreach (var (file, text) in files)
            File.WriteAllText(System.IO.Path.Combine(Path, file), text);
    }

    public string Path { get; }

    public RunbookLibrary Load(out List<string> errors)
    {
        errors = [];
        return RunbookLoader.Load(Path, errors);
    }

    public RunbookLibrary Load()
    {
        var library = Load(out var errors);
        Assert.Empty(errors);
        return library;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);

    /// <summary>A runbook file: front matter with the given match lines, then the body.</summary>
    public static string Runbook(string body, string title = "Test", int order = 100, params string[] matches) =>
        "---\n" + $"title: {title}\norder: {order}\n" +
        string.Concat((matches.Length == 0 ? ["{}"] : matches).Select(m => $"match: {m}\n")) +
        "---\n" + body;
}
