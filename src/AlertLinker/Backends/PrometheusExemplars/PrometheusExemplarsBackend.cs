using System.Net;
using System.Text.Json;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;

namespace AlertLinker.Backends.PrometheusExemplars;

/// <summary>
/// Prometheus exemplars: the trace ids Prometheus stored next to the alert's own series, linked into the trace view
/// of another configured backend (<see cref="PrometheusExemplarsOptions.TraceBackend"/>), and fetched whole from it
/// for analysis where that backend serves whole traces.
/// </summary>
internal sealed partial class PrometheusExemplarsBackend : ITraceBackend
{
    private readonly string name;
    private readonly IPrometheusApi api;
    private readonly PrometheusExemplarsOptions options;
    private readonly IOptions<EnrichmentOptions> enrichment;
    private readonly ILogger<PrometheusExemplarsBackend> logger;
    // Lazy: the directory lists every backend, this one included, so it can only be asked after construction.
    private readonly Lazy<ITraceBackend?> traceBackend;

    public PrometheusExemplarsBackend(
        string name,
        IPrometheusApi api,
        PrometheusExemplarsOptions options,
        BackendDirectory directory,
        IOptions<EnrichmentOptions> enrichment,
        ILogger<PrometheusExemplarsBackend> logger)
    {
        this.name = name;
        this.api = api;
        this.options = options;
        this.enrichment = enrichment;
        this.logger = logger;
        traceBackend = new Lazy<ITraceBackend?>(() => ResolveTraceBackend(directory), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Name => name;

    public const string TypeName = PrometheusExemplarsOptions.BackendTypeName;

    public string Type => TypeName;

    /// <summary>The backend exemplar links open in; null (and logged once) when TraceBackend names none that links.</summary>
    internal ITraceBackend? TraceBackend => traceBackend.Value;

    /// <summary>Exemplars are always searched; whole traces are the trace backend's to serve.</summary>
    public BackendCapabilities Capabilities => TraceBackend switch
    {
        { Capabilities.FullTraces: true } => BackendCapabilities.Full,
        null => new(ExemplarSearch: true, FullTraces: false,
            $"TraceBackend '{options.TraceBackend}' is not a tracing backend here: exemplars are listed, not linked or analysed"),
        { } backend => new(ExemplarSearch: true, FullTraces: false,
            $"{backend.Name} serves no whole traces: exemplars are linked, not analysed"),
    };

    public IReadOnlyList<BackendLink> BuildLinks(ResolvedAlert alert) =>
        string.IsNullOrWhiteSpace(alert.Expression)
            ? []
            : [new BackendLink("Prometheus: the alert's expression", PrometheusLinks.Graph(options.UiBase, alert.Expression, alert.Window), alert.Expression)];

    /// <summary>Exemplars follow a PromQL expression, not a trace search.</summary>
    public BackendLink? BuildSearchLink(TraceSearch search) => null;

    public Uri? BuildTraceLink(string traceId, AlertWindow window) => TraceBackend?.BuildTraceLink(traceId, window);

    /// <summary>The exemplar's whole trace, from the trace backend (null where there is none or it serves no whole traces).</summary>
    public Task<Trace?> GetTraceAsync(string traceId, AlertWindow window, CancellationToken cancellationToken) =>
        TraceBackend is { Capabilities.FullTraces: true } backend
            ? backend.GetTraceAsync(traceId, window, cancellationToken)
            : Task.FromResult<Trace?>(null);

    public async Task<IReadOnlyList<TraceSummary>> FindExemplarsAsync(ResolvedAlert alert, CancellationToken cancellationToken)
    {
        // Grafana-managed alerts and vmalert carry no expression: nothing to ask for, and that is normal.
        if (string.IsNullOrWhiteSpace(alert.Expression))
            return [];

        var expression = alert.Expression;
        using var response = await BackendHttp.SendAsync(() => api.QueryExemplarsAsync(
            expression,
            BackendTime.ToUnixSecondsFloor(alert.Window.Start),
            BackendTime.ToUnixSecondsCeiling(alert.Window.End),
            cancellationToken)).ConfigureAwait(false);
        var body = await BackendHttp.ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);

        ExemplarsAnswer answer;
        try
        {
            answer = BackendHttp.IsSuccess(response.StatusCode)
                || response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity
                    ? PrometheusExemplarsParsing.Parse(body, options.EffectiveTraceIdLabels)
                    : throw BackendHttp.Unexpected(name, "/api/v1/query_exemplars", response, body);
        }
        catch (JsonException e)
        {
            throw BackendHttp.IsSuccess(response.StatusCode)
                ? BackendHttp.Unreadable(name, "/api/v1/query_exemplars", e)
                : BackendHttp.Unexpected(name, "/api/v1/query_exemplars", response, body);
        }

        if (answer.IsError)
        {
            // E.g. an expression without a series selector (vector(1)): Prometheus cannot have exemplars for it.
            Log.ExpressionRejected(logger, name, answer.ErrorType, answer.Error);
            return [];
        }

        var trace = TraceBackend;
        return PrometheusExemplarsParsing.Top(answer.Exemplars, enrichment.Value.Exemplars)
            .Select(e => new TraceSummary(
                e.TraceId,
                e.SeriesLabels.GetValueOrDefault("service") ?? e.SeriesLabels.GetValueOrDefault("service_name"),
                e.SeriesLabels.GetValueOrDefault("span_name"),
                e.Timestamp,
                PrometheusExemplarsParsing.DurationOf(e),
                PrometheusExemplarsParsing.IsError(e),
                trace?.BuildTraceLink(e.TraceId, alert.Window)))
            .ToList();
    }

    private ITraceBackend? ResolveTraceBackend(BackendDirectory directory)
    {
        var wanted = options.TraceBackend!;
        var found = directory.Find(wanted);
        if (found is null)
        {
            Log.UnknownTraceBackend(logger, name, wanted, string.Join(", ", directory.All.Select(b => b.Name)));
            return null;
        }
        // By type: the directory holds every backend wrapped in the cache, this one included.
        if (found.Type == TypeName)
        {
            Log.TraceBackendWithoutTraceView(logger, name, wanted, found.Type);
            return null;
        }
        return found;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3301, Level = LogLevel.Error,
            Message = "Prometheus exemplars backend {Backend}: TraceBackend '{TraceBackend}' is not a configured backend "
                + "(configured: {Configured}); exemplars are listed without links. Set AlertLinker:Backends:{Backend}:TraceBackend to one of them")]
        public static partial void UnknownTraceBackend(ILogger logger, string backend, string traceBackend, string configured);

        [LoggerMessage(EventId = 3302, Level = LogLevel.Error,
            Message = "Prometheus exemplars backend {Backend}: TraceBackend '{TraceBackend}' is a {Type} backend, which has no trace view; "
                + "name a Jaeger, Tempo or other tracing backend instead")]
        public static partial void TraceBackendWithoutTraceView(ILogger logger, string backend, string traceBackend, string type);

        [LoggerMessage(EventId = 3303, Level = LogLevel.Information,
            Message = "Prometheus exemplars backend {Backend}: Prometheus rejected the alert's expression for exemplars ({ErrorType}: {Error}); no exemplars")]
        public static partial void ExpressionRejected(ILogger logger, string backend, string? errorType, string? error);
    }
}
