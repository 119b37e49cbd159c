using System.Text.Json.Nodes;
using AlertLinker.Preview;
using Microsoft.OpenApi;

namespace AlertLinker.OpenApi;

/// <summary>
/// An example request body for every webhook (and the preview), each a real capture from the shared fixtures,
/// embedded in the assembly at build time (see AlertLinker.csproj): the service never reads fixtures at run time.
/// A build without the fixtures beside the checkout (a container build from the repository alone) has no examples.
/// </summary>
internal static class OpenApiExamples
{
    private sealed record Example(string Path, string Source, string Summary);

    private static readonly Example[] Webhooks =
    [
        new("/webhooks/alertmanager", "alertmanager", "Alertmanager 0.25.0, captured: two firing alerts with generatorURL (truncatedAlerts, bearer)"),
        new("/webhooks/grafana", "grafana", "Grafana Alerting documentation example: two firing alerts with values and links"),
        new("/webhooks/pagerduty", "pagerduty", "PagerDuty V3, captured: incident.triggered"),
        new("/webhooks/opsgenie", "opsgenie", "Opsgenie documentation sample: Create"),
    ];

    /// <summary>The manifest resource name of a source's example (LogicalName in AlertLinker.csproj).</summary>
    internal static string ResourceName(string source) => $"OpenApiExamples.{source}.json";

    public static void Attach(OpenApiDocument document)
    {
        foreach (var example in Webhooks)
        {
            if (Load(example) is { } value && JsonBody(document, example.Path) is { } media)
                media.Examples = new Dictionary<string, IOpenApiExample> { [example.Source] = value };
        }
        if (JsonBody(document, PreviewApi.Route) is { } preview)
        {
            preview.Examples = Webhooks
                .Select(example => (example.Source, Value: Load(example)))
                .Where(pair => pair.Value is not null)
                .ToDictionary(pair => pair.Source, pair => (IOpenApiExample)pair.Value!);
        }
    }

    private static OpenApiMediaType? JsonBody(OpenApiDocument document, string path) =>
        OpenApiOperations.Post(document, path)?.RequestBody?.Content is { } content
            && content.TryGetValue("application/json", out var media) && media is OpenApiMediaType concrete
            ? concrete
            : null;

    private static OpenApiExample? Load(Example example)
    {
        using var stream = typeof(OpenApiExamples).Assembly.GetManifestResourceStream(ResourceName(example.Source));
        return stream is null
            ? null
            : new OpenApiExample { Summary = example.Summary, Value = JsonNode.Parse(stream) };
    }
}
