using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace AlertLinker.Resolution;

/// <summary>Works out service, operation, window and PromQL of an alert. Pure.</summary>
public sealed class AlertResolver(IOptions<ServiceOptions> services, IOptions<WindowOptions> window)
{
    /// <param name="now">The instant "now" for every alert of one notification, so that they share one window.</param>
    public ResolvedAlert Resolve(Alert alert, DateTimeOffset now)
    {
        var options = services.Value;
        var service = FirstLabel(alert, options.EffectiveLabelPrecedence);
        if (service is not null && options.Aliases.TryGetValue(service, out var alias))
            service = alias;
        return new ResolvedAlert(
            alert,
            service,
            FirstLabel(alert, options.EffectiveOperationLabels),
            WindowOf(alert, now),
            ExpressionOf(alert.GeneratorUrl));
    }

    /// <summary><c>startsAt − Lookback … (endsAt or now) + Pad</c>.</summary>
    public AlertWindow WindowOf(Alert alert, DateTimeOffset now)
    {
        var settings = window.Value;
        var end = alert.EndsAt ?? now;
        if (end < alert.StartsAt)
            end = alert.StartsAt;
        return new AlertWindow(alert.StartsAt - settings.Lookback, end + settings.Pad);
    }

    /// <summary>
    /// The PromQL in a Prometheus generatorURL (<c>/graph?g0.expr=…</c>, Prometheus 3: <c>/query?g0.expr=…</c>),
    /// form-decoded. Null when the URL carries none (Grafana-managed alerts, vmalert, empty URL).
    /// </summary>
    public static string? ExpressionOf(string? generatorUrl)
    {
        if (string.IsNullOrWhiteSpace(generatorUrl))
            return null;
        var query = generatorUrl.IndexOf('?', StringComparison.Ordinal);
        if (query < 0)
            return null;
        var fragment = generatorUrl.IndexOf('#', query);
        var queryString = fragment < 0 ? generatorUrl[query..] : generatorUrl[query..fragment];
        var parameters = QueryHelpers.ParseQuery(queryString);
        return parameters.TryGetValue("g0.expr", out var expr) && !string.IsNullOrWhiteSpace(expr.ToString())
            ? expr.ToString()
            : null;
    }

    private static string? FirstLabel(Alert alert, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            if (alert.Labels.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value))
                return value.Trim();
        }
        return null;
    }
}
