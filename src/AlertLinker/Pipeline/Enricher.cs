using System.Diagnostics;
using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Operability;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;

namespace AlertLinker.Pipeline;

/// <summary>
/// Asks every configured backend about one alert, in parallel, under one time budget. A backend that fails or is
/// slow loses its own exemplars and gets a note; its links (pure) are always there.
/// </summary>
public sealed partial class Enricher(
    BackendDirectory backends,
    IOptions<EnrichmentOptions> options,
    TimeProvider time,
    AlertLinkerMetrics metrics,
    ILogger<Enricher> logger,
    IAlertGraphs? graphs = null)
{
    public async Task<IReadOnlyList<BackendSection>> EnrichAsync(ResolvedAlert alert, CancellationToken cancellationToken) =>
        (await EnrichAsync(alert, drawGraph: false, cancellationToken)).Sections;

    /// <param name="drawGraph">Also draw the alert's expression (once per notification: the caller picks the alert),
    /// under the same budget: the query runs beside the backends, the picture marks the exemplars they found.</param>
    public async Task<(IReadOnlyList<BackendSection> Sections, AlertGraph? Graph)> EnrichAsync(
        ResolvedAlert alert, bool drawGraph, CancellationToken cancellationToken)
    {
        using var activity = AlertLinkerActivity.Source.StartActivity("enrich");
        activity?.SetTag("alertlinker.service", alert.Service);
        using var budget = new CancellationTokenSource(options.Value.Budget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        var all = backends.All;
        var searched = SearchAndAnalyseAsync(all, alert, linked.Token, cancellationToken);
        var graph = drawGraph && graphs is not null ? graphs.DrawAsync(alert, searched, linked.Token) : Task.FromResult<AlertGraph?>(null);
        return (await searched, await graph);
    }

    private async Task<IReadOnlyList<BackendSection>> SearchAndAnalyseAsync(
        IReadOnlyList<ITraceBackend> all, ResolvedAlert alert, CancellationToken budgeted, CancellationToken caller)
    {
        var sections = await Task.WhenAll(all.Select(b => EnrichOneAsync(b, alert, budgeted, caller)));
        return await AnalyseAsync(all, sections, alert, budgeted, caller);
    }

    private async Task<BackendSection> EnrichOneAsync(
        ITraceBackend backend, ResolvedAlert alert, CancellationToken budgeted, CancellationToken caller)
    {
        using var activity = AlertLinkerActivity.Source.StartActivity("backend " + backend.Name);
        activity?.SetTag("alertlinker.backend", backend.Name);
        activity?.SetTag("alertlinker.backend.type", backend.Type);
        var started = time.GetTimestamp();
        var section = await SearchAsync(backend, alert, budgeted, caller);
        metrics.BackendSearch(backend.Name, section.Outcome, time.GetElapsedTime(started));
        activity?.SetTag("alertlinker.outcome", AlertLinkerMetrics.Label(section.Outcome));
        if (section.Outcome is BackendOutcome.Failed or BackendOutcome.TimedOut)
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, section.Note);
        return section;
    }

    private async Task<BackendSection> SearchAsync(
        ITraceBackend backend, ResolvedAlert alert, CancellationToken budgeted, CancellationToken caller)
    {
        IReadOnlyList<BackendLink> links;
        try
        {
            links = backend.BuildLinks(alert);
        }
        catch (Exception ex)
        {
            LogLinksFailed(ex, backend.Name);
            links = [];
        }

        var capabilities = backend.Capabilities;
        if (!capabilities.ExemplarSearch)
            return new BackendSection(backend.Name, backend.Type, links, [], BackendOutcome.LinksOnly, capabilities.Limitation);

        try
        {
            // Yield first so a backend that blocks synchronously cannot hold up the others.
            await Task.Yield();
            var exemplars = await backend.FindExemplarsAsync(alert, budgeted);
            // Analysis/ hook: what the slow traces share (when the search carried attributes), why nothing was found.
            var gap = exemplars.Count == 0 ? await SearchGapAsync(backend, alert, budgeted, caller) : null;
            return new BackendSection(backend.Name, backend.Type, links, exemplars,
                exemplars.Count > 0 ? BackendOutcome.Found : BackendOutcome.NothingFound,
                exemplars.Count > 0 ? null : gap?.Text ?? NothingFoundNote(backend, alert))
            {
                Patterns = exemplars is ExemplarList { Profiles: var profiles } ? AttributePatterns.Find(profiles) : [],
                Gap = gap,
            };
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            LogTimedOut(backend.Name, options.Value.Budget.TotalMilliseconds);
            return new BackendSection(backend.Name, backend.Type, links, [], BackendOutcome.TimedOut,
                $"did not answer within {options.Value.Budget.TotalSeconds:0.#} s; links only");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One line with the reason; the stack trace only at Debug (a backend being down is not a bug here).
            LogFailed(backend.Name, Describe(ex));
            LogFailedDetail(ex, backend.Name);
            return new BackendSection(backend.Name, backend.Type, links, [], BackendOutcome.Failed,
                $"search failed ({Describe(ex)}); links only");
        }
    }

    /// <summary>
    /// Fetches the slowest and the first errored exemplar of each backend whole and analyses them, each distinct trace
    /// id once however many backends found it (Jaeger, Tempo and Zipkin often hold the same trace): from the first
    /// backend that has it, then the next when that one cannot serve it. Best effort within the same budget: the
    /// exemplars already found are kept whatever happens here. Every section that wanted a trace gets its analysis.
    /// </summary>
    private async Task<IReadOnlyList<BackendSection>> AnalyseAsync(
        IReadOnlyList<ITraceBackend> all, BackendSection[] sections, ResolvedAlert alert, CancellationToken budgeted, CancellationToken caller)
    {
        var wanted = new List<TraceSummary>[sections.Length];
        var candidates = new Dictionary<string, List<ITraceBackend>>(StringComparer.Ordinal);
        for (var i = 0; i < sections.Length; i++)
        {
            wanted[i] = [];
            if (!all[i].Capabilities.FullTraces || sections[i].Exemplars.Count == 0)
                continue;
            var exemplars = sections[i].Exemplars;
            wanted[i] = new[]
                {
                    exemplars.Where(e => e.Duration is not null).MaxBy(e => e.Duration),
                    exemplars.FirstOrDefault(e => e.Error),
                }
                .OfType<TraceSummary>()
                .DistinctBy(e => FoundTrace.Key(e.TraceId))
                .ToList();
            foreach (var exemplar in wanted[i])
            {
                var key = FoundTrace.Key(exemplar.TraceId);
                if (!candidates.TryGetValue(key, out var list))
                    candidates[key] = list = [];
                list.Add(all[i]);
            }
        }
        if (candidates.Count == 0)
            return sections;

        var ids = candidates.Keys.ToList();
        var insights = await Task.WhenAll(ids.Select(key =>
        {
            var first = wanted.SelectMany(w => w).First(e => FoundTrace.Key(e.TraceId) == key);
            return AnalyseOneAsync(candidates[key], first.TraceId, alert, budgeted, caller);
        }));
        var byKey = ids.Zip(insights).Where(p => p.Second is not null).ToDictionary(p => p.First, p => p.Second!, StringComparer.Ordinal);

        return sections.Select((section, i) => wanted[i].Count == 0 ? section : section with
        {
            Analyses = wanted[i]
                .Where(e => byKey.ContainsKey(FoundTrace.Key(e.TraceId)))
                .Select(e => new AnalyzedTrace(e, byKey[FoundTrace.Key(e.TraceId)]))
                .ToList(),
        }).ToList();
    }

    private async Task<TraceInsights?> AnalyseOneAsync(
        IReadOnlyList<ITraceBackend> holders, string traceId, ResolvedAlert alert, CancellationToken budgeted, CancellationToken caller)
    {
        foreach (var backend in holders)
        {
            try
            {
                await Task.Yield();
                if (await backend.GetTraceAsync(traceId, alert.Window, budgeted) is { Spans.Count: > 0 } trace)
                    return TraceAnalyzer.Analyze(trace);
            }
            catch (Exception ex) when (!caller.IsCancellationRequested)
            {
                LogTraceFetchFailed(backend.Name, traceId, Describe(ex));
                if (budgeted.IsCancellationRequested)
                    return null;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the backend knows the alert's service at all (its service list, cached like the searches and under the
    /// same budget); null when it cannot list its services or the look-up failed: the generic note stands then.
    /// </summary>
    private async Task<SearchGap?> SearchGapAsync(ITraceBackend backend, ResolvedAlert alert, CancellationToken budgeted, CancellationToken caller)
    {
        if (alert.Service is null)
            return null;
        try
        {
            return await backend.GetServicesAsync(budgeted) is { Count: > 0 } known
                ? ServiceNames.Explain(backend.Name, alert.Service, alert.ServiceLabel, known, alert.Window.Text)
                : null;
        }
        catch (Exception ex) when (!caller.IsCancellationRequested)
        {
            LogServicesFailed(backend.Name, Describe(ex));
            return null;
        }
    }

    private static string NothingFoundNote(ITraceBackend backend, ResolvedAlert alert)
    {
        var window = alert.Window.Text;
        if (backend.Type == "PrometheusExemplars")
        {
            return alert.Expression is null
                ? "The alert carries no PromQL expression, so there are no exemplars to look up."
                : $"No exemplars with a trace id for the alert's expression in {window}.";
        }
        return alert.Service is null
            ? "No service label on the alert, so no trace search ran (see AlertLinker:Services:LabelPrecedence)."
            : $"No traces found for {alert.Service} in {window}; sampling or retention may have dropped them.";
    }

    /// <summary>A short, secret-free reason: the exception type and HTTP status, never a URL with credentials.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        Refit.ApiException api => $"HTTP {(int)api.StatusCode}",
        HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
        HttpRequestException { InnerException: System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } } => "connection refused",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } => "host name not found",
        HttpRequestException => "connection failed",
        Polly.CircuitBreaker.BrokenCircuitException => "circuit open after repeated failures",
        Polly.Timeout.TimeoutRejectedException => "request timed out",
        { InnerException: { } inner } when inner is HttpRequestException or Polly.ExecutionRejectedException => Describe(inner),
        _ => ex.GetType().Name,
    };

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Backend {Backend} did not answer within the {BudgetMs:0} ms budget; its section has links only")]
    private partial void LogTimedOut(string backend, double budgetMs);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Backend {Backend} search failed ({Reason}); its section has links only")]
    private partial void LogFailed(string backend, string reason);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Debug, Message = "Backend {Backend} search failed")]
    private partial void LogFailedDetail(Exception exception, string backend);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Information, Message = "Backend {Backend}: trace {TraceId} could not be fetched for analysis ({Reason}); exemplars kept")]
    private partial void LogTraceFetchFailed(string backend, string traceId, string reason);

    [LoggerMessage(EventId = 3050, Level = LogLevel.Information, Message = "Backend {Backend}: its service list could not be read ({Reason}); the note says only that nothing was found")]
    private partial void LogServicesFailed(string backend, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Backend {Backend} could not build its links")]
    private partial void LogLinksFailed(Exception exception, string backend);
}
