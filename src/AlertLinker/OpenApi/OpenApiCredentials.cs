using AlertLinker.Preview;
using AlertLinker.Sources.Alertmanager;
using AlertLinker.Sources.Grafana;
using AlertLinker.Sources.Opsgenie;
using AlertLinker.Sources.PagerDuty;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace AlertLinker.OpenApi;

/// <summary>
/// Each endpoint's credentials as OpenAPI security schemes, one set per endpoint (every source has its own secrets),
/// each scheme's description naming the configuration key that holds the secret. Where a source checks every
/// configured credential (Grafana and PagerDuty: Bearer or Basic and the signature), the requirement lists the
/// combinations.
/// </summary>
internal static class OpenApiCredentials
{
    /// <summary>The header Slack signs interactions with (<c>v0=</c> HMAC-SHA256 of <c>v0:{timestamp}:{body}</c>).</summary>
    private const string SlackInteractionsPath = "/slack/interactions";

    private sealed record Endpoint(string Path, IReadOnlyList<Scheme> Schemes, IReadOnlyList<string[]> Requirements)
    {
        public HttpMethod Method { get; init; } = HttpMethod.Post;
    }

    private sealed record Scheme(string Id, OpenApiSecurityScheme Definition);

    public static void Describe(OpenApiDocument document, IServiceProvider services)
    {
        foreach (var endpoint in Endpoints(services))
        {
            if (OpenApiOperations.Find(document, endpoint.Path, endpoint.Method) is not { } operation)
                continue;
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            foreach (var scheme in endpoint.Schemes)
                document.Components.SecuritySchemes[scheme.Id] = scheme.Definition;
            operation.Security = endpoint.Requirements
                .Select(ids =>
                {
                    var requirement = new OpenApiSecurityRequirement();
                    foreach (var id in ids)
                        requirement[new OpenApiSecuritySchemeReference(id, document)] = [];
                    return requirement;
                })
                .ToList();
        }
    }

    private static IEnumerable<Endpoint> Endpoints(IServiceProvider services)
    {
        yield return BearerOrBasic("/webhooks/alertmanager", "alertmanager", AlertmanagerOptions.SectionName);

        var grafana = services.GetRequiredService<IOptionsMonitor<GrafanaOptions>>().CurrentValue;
        yield return WithSignature("/webhooks/grafana", "grafana", GrafanaOptions.SectionName, Header(grafana.SignatureHeader,
            $"Grafana's contact-point HMAC (`hmac_config`): lowercase hex HMAC-SHA256 of the raw body, or of `timestamp:body` when " +
            $"{GrafanaOptions.SectionName}:TimestampHeader is set, keyed with {GrafanaOptions.SectionName}:SigningSecret. " +
            $"Checked when a SigningSecret is configured."));

        yield return WithSignature("/webhooks/pagerduty", "pagerduty", PagerDutyOptions.SectionName, Header(PagerDutySignature.HeaderName,
            $"PagerDuty V3 signature `v1=<hex>[,v1=<hex>]`: HMAC-SHA256 of the raw body with one of " +
            $"{PagerDutyOptions.SectionName}:SigningSecrets. Checked when signing secrets are configured."));

        var opsgenie = services.GetRequiredService<IOptionsMonitor<OpsgenieOptions>>().CurrentValue;
        var opsgenieEndpoint = BearerOrBasic("/webhooks/opsgenie", "opsgenie", OpsgenieOptions.SectionName);
        // The shared-secret header's name is whatever this deployment configured; without one there is no such scheme.
        yield return opsgenie.HasHeader
            ? opsgenieEndpoint with
            {
                Schemes = [.. opsgenieEndpoint.Schemes, new("opsgenie_header", Header(opsgenie.HeaderName!,
                    $"The shared secret the Opsgenie webhook integration sends as a custom header: {OpsgenieOptions.SectionName}:HeaderValue."))],
                Requirements = [.. opsgenieEndpoint.Requirements, ["opsgenie_header"]],
            }
            : opsgenieEndpoint;

        yield return BearerOrBasic(PreviewApi.Route, "preview", PreviewOptions.SectionName);
        // The playground's API shares the preview's credentials (and schemes).
        yield return BearerOrBasic(PreviewRenderApi.RenderRoute, "preview", PreviewOptions.SectionName);
        yield return BearerOrBasic(PreviewRenderApi.TemplatesRoute, "preview", PreviewOptions.SectionName) with { Method = HttpMethod.Get };
        yield return BearerOrBasic(AlertLinker.Playground.PlaygroundApi.SamplesRoute, "preview", PreviewOptions.SectionName) with { Method = HttpMethod.Get };

        yield return new Endpoint(SlackInteractionsPath,
            [new("slack_signature", Header("X-Slack-Signature",
                "Slack's request signature: `v0=` and the hex HMAC-SHA256 of `v0:{X-Slack-Request-Timestamp}:{raw body}` keyed with " +
                "AlertLinker:Slack:SigningSecret; timestamps older than 5 minutes are refused."))],
            [["slack_signature"]]);
    }

    private static Endpoint BearerOrBasic(string path, string prefix, string section) =>
        new(path,
            [
                new(prefix + "_bearer", new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = $"`Authorization: Bearer <token>` with the token in {section}:BearerToken.",
                }),
                new(prefix + "_basic", new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "basic",
                    Description = $"HTTP Basic with {section}:BasicAuth:Username and :Password.",
                }),
            ],
            [[prefix + "_bearer"], [prefix + "_basic"]]);

    /// <summary>Bearer or Basic, a signature, or both: every configured check must pass.</summary>
    private static Endpoint WithSignature(string path, string prefix, string section, OpenApiSecurityScheme signature)
    {
        var basic = BearerOrBasic(path, prefix, section);
        var id = prefix + "_signature";
        return new Endpoint(path,
            [.. basic.Schemes, new(id, signature)],
            [.. basic.Requirements, [id], [prefix + "_bearer", id], [prefix + "_basic", id]]);
    }

    private static OpenApiSecurityScheme Header(string name, string description) => new()
    {
        Type = SecuritySchemeType.ApiKey,
        In = ParameterLocation.Header,
        Name = name,
        Description = description,
    };
}
