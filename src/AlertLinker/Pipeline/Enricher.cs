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
    ILogger<Enricher> logger)
{
    public async Task<IReadOnlyList<BackendSection>> EnrichAsync(ResolvedAlert alert, CancellationToken cancellationToken)
    {
        using var activity = AlertLinkerActivity.Source.StartActivity("enrich");
        activity?.SetTag("alertlinker.service", alert.Service);
        using var budget = new CancellationTokenSource(options.Value.Budget, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        var sections = await Task.WhenAll(backends.All.Select(b => EnrichOneAsync(b, alert, linked.Token, cancellationToken)));
        return sections;
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
            return new BackendSection(backend.Name, backend.Type, links, exemplars,
                exemplars.Count > 0 ? BackendOutcome.Found : BackendOutcome.NothingFound,
                exemplars.Count > 0 ? null : NothingFoundNote(backend, alert))
            {
                Analyses = capabilities.FullTraces ? await AnalyseAsync(backend, alert, exemplars, budgeted, caller) : [],
            };
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            LogTimedOut(backend.Name, options.Value.Budget.TotalMilliseconds);
            return new BackendSection(backend.Name, backend.Type, links, [], BackendOutcome.TimedOut,
                $"{backend.Name} did not answer within {options.Value.Budget.TotalSeconds:0.#} s; links only.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // One line with the reason; the stack trace only at Debug (a backend being down is not a bug here).
            LogFailed(backend.Name, Describe(ex));
            LogFailedDetail(ex, backend.Name);
            return new BackendSection(backend.Name, backend.Type, links, [], BackendOutcome.Failed,
                $"{backend.Name} search failed ({Describe(ex)}); links only.");
        }
    }

    /// <summary>
    /// Fetches the slowest and the first errored exemplar whole and analyses them. Best effort within the same budget:
    /// the exemplars already found are kept whatever happens here.
    /// </summary>
    private async Task<IReadOnlyList<AnalyzedTrace>> AnalyseAsync(
        ITraceBackend backend, ResolvedAlert alert, IReadOnlyList<TraceSummary> exemplars, CancellationToken budgeted, CancellationToken caller)
    {
        var wanted = new[]
            {
                exemplars.Where(e => e.Duration is not null).MaxBy(e => e.Duration),
                exemplars.FirstOrDefault(e => e.Error),
            }
            .OfType<TraceSummary>()
            .DistinctBy(e => e.TraceId)
            .ToList();
        var analyses = new List<AnalyzedTrace>(wanted.Count);
        foreach (var exemplar in wanted)
        {
            try
            {
                if (await backend.GetTraceAsync(exemplar.TraceId, alert.Window, budgeted) is { Spans.Count: > 0 } trace)
                    analyses.Add(new AnalyzedTrace(exemplar, TraceAnalyzer.Analyze(trace)));
            }
            catch (Exception ex) when (!caller.IsCancellationRequested)
            {
                LogTraceFetchFailed(backend.Name, exemplar.TraceId, Describe(ex));
                break;
            }
        }
        return analyses;
    }

    private static string NothingFoundNote(ITraceBackend backend, ResolvedAlert alert)
    {
        var window = $"{alert.Window.Start.UtcDateTime:HH:mm}–{alert.Window.End.UtcDateTime:HH:mm} UTC";
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

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Backend {Backend} could not build its links")]
    private partial void LogLinksFailed(Exception exception, string backend);
}
