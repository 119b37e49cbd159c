using System.Text.Json;
using AlertLinker.Sources;

namespace AlertLinker.Preview;

/// <summary>
/// The registered sources as the preview offers them: by name (<c>?source=</c>), or told by a body's shape, each
/// parsing with its own parser. A source registered once is previewable; nothing here names one.
/// </summary>
internal sealed class PreviewSources(IEnumerable<IAlertSource> registered)
{
    private readonly IReadOnlyList<IAlertSource> sources = registered.ToList();

    public IReadOnlyList<string> Names => sources.Select(s => s.Name).ToList();

    /// <summary>The top-level properties that mark the sources' bodies, for the 400 of a body that has none: "alerts, event or action".</summary>
    public string ShapeProperties => JoinOr(sources.Select(s => s.Docs.ShapeProperty).Distinct(StringComparer.Ordinal).ToList());

    /// <summary>The senders by name, for the OpenAPI description: "Alertmanager, Grafana Alerting, PagerDuty V3 or Opsgenie".</summary>
    public string Titles => JoinOr(sources.Select(s => s.Docs.Title).ToList());

    /// <summary>What tells each source's bodies apart, for the OpenAPI description.</summary>
    public string Shapes => string.Join("; ", sources.Select(s => $"{s.Docs.Title}: {s.Docs.Shape}"));

    public IReadOnlyList<Type> Payloads => sources.Select(s => s.Docs.Payload).ToList();

    public IAlertSource? Named(string name) => sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The source whose shape the body matches best (ties: the earlier registration), or null when none claims it.
    /// A body that is not JSON goes to the source that takes <see cref="ShapeMatch.Fallback"/>, whose parser says what is wrong.
    /// </summary>
    public IAlertSource? Detect(byte[] body)
    {
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = WebhookJson.Options.MaxDepth });
        }
        catch (JsonException)
        {
            // Not JSON: matched as no value at all.
        }
        using (document)
        {
            try
            {
                return Best(document?.RootElement ?? default);
            }
            catch (InvalidOperationException)
            {
                // A property name with an unpaired surrogate escape cannot be compared; the fallback's parser says what is wrong.
                return Best(default);
            }
        }
    }

    private IAlertSource? Best(JsonElement root)
    {
        IAlertSource? best = null;
        var strongest = ShapeMatch.None;
        foreach (var source in sources)
        {
            var match = source.MatchShape(root);
            if (match > strongest)
                (best, strongest) = (source, match);
        }
        return best;
    }

    private static string JoinOr(IReadOnlyList<string> items) =>
        items.Count <= 1 ? string.Concat(items) : string.Join(", ", items.Take(items.Count - 1)) + " or " + items[^1];
}
