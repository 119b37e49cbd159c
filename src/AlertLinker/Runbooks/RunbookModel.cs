using System.Globalization;
using AlertLinker.Analysis;
using AlertLinker.Backends;
using AlertLinker.Resolution;
using Scriban.Runtime;

namespace AlertLinker.Runbooks;

/// <summary>
/// Builds what a template sees, as plain ScriptObjects, arrays, strings, numbers and booleans: no .NET object
/// reaches a template, so there is nothing to reflect on. Names are snake_case. The shape is documented in
/// templates/README.md; change both together.
/// </summary>
internal static class RunbookModel
{
    public static ScriptObject Build(ResolvedAlert resolved, IReadOnlyList<BackendSection> backends, IReadOnlyList<LogLink>? logLinks = null)
    {
        var alert = resolved.Alert;
        var labels = Dictionary(alert.Labels);
        var annotations = Dictionary(alert.Annotations);

        var model = new ScriptObject
        {
            ["alert"] = new ScriptObject
            {
                ["name"] = alert.Name,
                ["status"] = Status(alert.Status),
                ["starts_at"] = Iso(alert.StartsAt),
                ["ends_at"] = alert.EndsAt is { } ends ? Iso(ends) : null,
                ["fingerprint"] = alert.Fingerprint,
                ["generator_url"] = alert.GeneratorUrl,
                ["labels"] = labels,
                ["annotations"] = annotations,
            },
            ["labels"] = labels,
            ["annotations"] = annotations,
            ["service"] = resolved.Service,
            ["operation"] = resolved.Operation,
            ["span_metric"] = resolved.SpanMetric is { } spanMetric ? SpanMetric(spanMetric) : null,
            ["expression"] = resolved.Expression,
            ["window"] = Window(resolved.Window),
            ["backends"] = Array(backends.Select(Backend)),
            ["findings"] = Array(backends.SelectMany(b => b.Analyses.Select(a => Analysis(b, a)))),
            ["agreement"] = Agreement(backends),
            ["log_links"] = Array((logLinks ?? []).Select(LogLink)),
            ["patterns"] = Array(backends.SelectMany(b => b.Patterns.Select(p => Pattern(b, p)))),
        };
        return model;
    }

    /// <summary>A span-metrics alert's span kind, error flag and span attributes, ready to pass to <c>search</c>.</summary>
    private static ScriptObject SpanMetric(SpanMetricScope scope) => new()
    {
        ["kind"] = scope.Kind,
        ["errors_only"] = scope.ErrorsOnly,
        ["attributes"] = Dictionary(scope.Attributes),
    };

    /// <summary>The model as plain dictionaries and lists, for JSON (the preview shows authors what their templates see).</summary>
    public static Dictionary<string, object?> Plain(ScriptObject model) =>
        model.ToDictionary(pair => pair.Key, pair => PlainValue(pair.Value), StringComparer.Ordinal);

    private static object? PlainValue(object? value) => value switch
    {
        ScriptObject nested => Plain(nested),
        ScriptArray array => array.Select(PlainValue).ToList(),
        _ => value,
    };

    public static ScriptObject Window(AlertWindow window) => new()
    {
        ["start"] = Iso(window.Start),
        ["end"] = Iso(window.End),
        ["start_s"] = window.Start.ToUnixTimeSeconds(),
        ["end_s"] = window.End.ToUnixTimeSeconds(),
        ["start_ms"] = window.Start.ToUnixTimeMilliseconds(),
        ["end_ms"] = window.End.ToUnixTimeMilliseconds(),
        ["start_us"] = UnixMicros(window.Start),
        ["end_us"] = UnixMicros(window.End),
        ["minutes"] = (long)Math.Ceiling(window.Length.TotalMinutes),
    };

    private static ScriptObject Backend(BackendSection section) => new()
    {
        ["name"] = section.Backend,
        ["type"] = section.Type,
        ["outcome"] = Outcome(section.Outcome),
        ["note"] = section.Note,
        ["links"] = Array(section.Links.Select(Link)),
        ["exemplars"] = Array(section.Exemplars.Select(Exemplar)),
        ["analyses"] = Array(section.Analyses.Select(a => Analysis(section, a))),
        ["patterns"] = Array(section.Patterns.Select(p => Pattern(section, p))),
        ["gap"] = section.Gap is { } gap ? new ScriptObject
        {
            ["service_known"] = gap.ServiceKnown,
            ["suggestions"] = Array(gap.Suggestions),
            ["alias_line"] = gap.AliasLine,
            ["text"] = gap.Text,
        } : null,
    };

    /// <summary>One attribute value the slow or failing traces of a backend's search share.</summary>
    private static ScriptObject Pattern(BackendSection section, SharedAttribute pattern) => new()
    {
        ["backend"] = section.Backend,
        ["key"] = pattern.Key,
        ["value"] = pattern.Value,
        ["in_outliers"] = pattern.InOutliers,
        ["outliers"] = pattern.Outliers,
        ["in_others"] = pattern.InOthers,
        ["others"] = pattern.Others,
        ["outlier_word"] = pattern.OutlierWord,
        ["summary"] = pattern.Summary,
    };

    /// <summary>Attributes of a finding's span shown to templates; spans can carry hundreds.</summary>
    private const int MaxSpanAttributes = 50;

    /// <summary>One analysed exemplar: where its time went, where it failed, its N+1s, and the waterfall text.</summary>
    private static ScriptObject Analysis(BackendSection section, AnalyzedTrace analyzed)
    {
        var insights = analyzed.Insights;
        return new ScriptObject
        {
            ["backend"] = section.Backend,
            ["type"] = section.Type,
            ["trace_id"] = insights.TraceId,
            ["url"] = analyzed.Exemplar.Link?.AbsoluteUri,
            ["error"] = analyzed.Exemplar.Error,
            ["duration_ms"] = Milliseconds(insights.Duration),
            ["span_count"] = insights.SpanCount,
            ["orphans"] = insights.Orphans,
            ["headline"] = insights.Headline is { } headline ? Headline(headline) : null,
            ["culprit"] = insights.Culprit is { } culprit ? Culprit(culprit) : null,
            ["error_origin"] = insights.ErrorOrigin is { } origin ? ErrorOrigin(origin) : null,
            ["fan_outs"] = Array(insights.FanOuts.Select(FanOut)),
            ["summaries"] = Array(insights.Findings.Select(f => f.Summary)),
            ["waterfall"] = insights.Waterfall,
            ["broken_context"] = Array(insights.BrokenContext.Select(b =>
            {
                var result = SpanObject(b.Span);
                result["break"] = b.Break switch
                {
                    ContextBreak.ConsumerRoot => "consumer_root",
                    ContextBreak.ProducerWithoutConsumer => "producer_without_consumer",
                    _ => "job_root",
                };
                result["destination"] = b.Destination;
                result["system"] = b.System;
                result["breaks"] = b.Breaks;
                result["summary"] = b.Summary;
                return result;
            })),
            ["retries"] = Array(insights.Retries.Select(r => new ScriptObject
            {
                ["label"] = r.Label,
                ["attempts"] = r.Attempts,
                ["failed"] = r.Failed,
                ["code"] = r.Code,
                ["callers"] = r.Callers,
                ["time_ms"] = Milliseconds(r.TimeOnPath),
                ["share_percent"] = r.SharePercent,
                ["first"] = SpanObject(r.First),
                ["summary"] = r.Summary,
            })),
            ["cache_misses"] = insights.CacheMisses is { } misses ? new ScriptObject
            {
                ["system"] = misses.System,
                ["lookups"] = misses.Lookups,
                ["misses"] = misses.Misses,
                ["miss_ms"] = Milliseconds(misses.MissTime),
                ["first"] = SpanObject(misses.First),
                ["summary"] = misses.Summary,
            } : null,
        };
    }

    private static ScriptObject Culprit(CulpritFinding culprit)
    {
        var result = SpanObject(culprit.Span);
        result["self_ms"] = Milliseconds(culprit.SelfTime);
        result["share"] = Math.Round(culprit.Share, 4);
        result["share_percent"] = culprit.SharePercent;
        result["summary"] = culprit.Summary;
        return result;
    }

    private static ScriptObject ErrorOrigin(ErrorOriginFinding origin)
    {
        var result = SpanObject(origin.Span);
        result["code"] = origin.Code;
        result["http_status"] = origin.HttpStatus;
        result["grpc_status"] = origin.GrpcStatus;
        result["error_type"] = origin.ErrorType;
        result["message"] = origin.Message;
        result["peer"] = origin.Peer;
        result["chain_length"] = origin.ChainLength;
        result["errored_spans"] = origin.ErroredSpans;
        result["share"] = Math.Round(origin.Share, 4);
        result["share_percent"] = origin.SharePercent;
        result["summary"] = origin.Summary;
        return result;
    }

    private static ScriptObject FanOut(FanOutFinding fanOut) => new()
    {
        ["service"] = fanOut.Service,
        ["label"] = fanOut.Label,
        ["count"] = fanOut.Count,
        ["is_statement"] = fanOut.IsStatement,
        ["total_ms"] = Milliseconds(fanOut.Total),
        ["wall_ms"] = Milliseconds(fanOut.WallTime),
        ["time_ms"] = Milliseconds(fanOut.TimeOnPath),
        ["share"] = Math.Round(fanOut.Share, 4),
        ["share_percent"] = fanOut.SharePercent,
        ["peer"] = fanOut.Peer,
        ["parent"] = fanOut.Parent is { } parent ? SpanObject(parent) : null,
        ["first"] = SpanObject(fanOut.FirstSpan),
        ["summary"] = fanOut.Summary,
    };

    /// <summary>
    /// Where the time went, the same answer the message headlines: one span or a fan-out, with what a search for it
    /// needs (<c>service</c>, <c>operation</c>, <c>min_duration_ms</c>: half of one such span's duration).
    /// </summary>
    private static ScriptObject Headline(Finding headline)
    {
        var (kind, span, label, count, time, parent) = headline switch
        {
            FanOutFinding f => ("fan_out", f.FirstSpan, f.Label, f.Count, f.TimeOnPath, f.Parent),
            CulpritFinding c => ("span", c.Span, c.Span.Operation, 1, c.SelfTime, (Span?)null),
            _ => throw new ArgumentOutOfRangeException(nameof(headline), headline.GetType().Name, "A headline is a span or a fan-out."),
        };
        return new ScriptObject
        {
            ["kind"] = kind,
            ["service"] = span.Service,
            ["operation"] = span.Operation,
            ["label"] = label,
            ["count"] = count,
            ["time_ms"] = Milliseconds(time),
            ["share"] = Math.Round(headline.Share, 4),
            ["share_percent"] = headline.SharePercent,
            ["min_duration_ms"] = Milliseconds(span.Duration / 2),
            ["span"] = SpanObject(span),
            ["parent"] = parent is null ? null : SpanObject(parent),
            ["summary"] = headline.Summary,
        };
    }

    /// <summary>Whether the analysed exemplars (each trace id once) blame the same thing, and each different cause once.</summary>
    private static ScriptObject Agreement(IReadOnlyList<BackendSection> backends)
    {
        var traces = backends.SelectMany(b => b.Analyses).Select(a => a.Insights).DistinctBy(i => i.TraceId, StringComparer.Ordinal).ToList();
        var agreement = CauseAgreement.Compare(traces);
        return new ScriptObject
        {
            ["traces"] = agreement.Traces,
            ["agree"] = agreement.Agree,
            ["summary"] = agreement.Describe(),
            ["causes"] = Array(agreement.Causes.Select(c => new ScriptObject
            {
                ["traces"] = c.Traces,
                ["trace_ids"] = Array(c.TraceIdList),
                ["headline"] = Headline(c.Headline),
            })),
        };
    }

    private static ScriptObject SpanObject(Span span)
    {
        var attributes = new ScriptObject();
        foreach (var (key, value) in span.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Take(MaxSpanAttributes))
            attributes[key] = value;
        return new ScriptObject
        {
            ["span_id"] = span.SpanId,
            ["service"] = span.Service,
            ["operation"] = span.Operation,
            ["kind"] = span.Kind,
            ["duration_ms"] = Milliseconds(span.Duration),
            ["start"] = Iso(span.Start),
            ["attributes"] = attributes,
        };
    }

    private static double Milliseconds(TimeSpan duration) => Math.Round(duration.TotalMilliseconds, 3);

    public static ScriptObject Link(BackendLink link) => new()
    {
        ["title"] = link.Title,
        ["url"] = link.Url.AbsoluteUri,
        ["query"] = link.Query,
    };

    private static ScriptObject LogLink(LogLink link) => new()
    {
        ["trace_id"] = link.TraceId,
        ["title"] = link.Title,
        ["url"] = link.Url.AbsoluteUri,
        ["query"] = link.Query,
    };

    private static ScriptObject Exemplar(TraceSummary trace) => new()
    {
        ["trace_id"] = trace.TraceId,
        ["duration_ms"] = trace.Duration is { } d ? Milliseconds(d) : null,
        ["root_service"] = trace.RootService,
        ["root_operation"] = trace.RootOperation,
        ["error"] = trace.Error,
        ["url"] = trace.Link?.AbsoluteUri,
        ["start"] = trace.Start is { } s ? Iso(s) : null,
    };

    private static ScriptObject Dictionary(IReadOnlyDictionary<string, string> values)
    {
        var result = new ScriptObject();
        foreach (var (key, value) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
            result[key] = value;
        return result;
    }

    private static ScriptArray Array(IEnumerable<object?> items)
    {
        var array = new ScriptArray();
        foreach (var item in items)
            array.Add(item);
        return array;
    }

    private static string Status(AlertStatus status) => status switch
    {
        AlertStatus.Firing => "firing",
        AlertStatus.Acknowledged => "acknowledged",
        AlertStatus.Resolved => "resolved",
        _ => status.ToString().ToLowerInvariant(),
    };

    private static string Outcome(BackendOutcome outcome) => outcome switch
    {
        BackendOutcome.Found => "found",
        BackendOutcome.NothingFound => "nothing_found",
        BackendOutcome.LinksOnly => "links_only",
        BackendOutcome.Failed => "failed",
        BackendOutcome.TimedOut => "timed_out",
        _ => outcome.ToString().ToLowerInvariant(),
    };

    /// <summary>RFC 3339 in UTC; milliseconds only when there are some (Alertmanager times are usually whole seconds).</summary>
    public static string Iso(DateTimeOffset time) =>
        time.UtcDateTime.ToString(time.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static long UnixMicros(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}
