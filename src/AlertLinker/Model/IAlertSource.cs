using System.Text.Json;

namespace AlertLinker.Model;

/// <summary>
/// One webhook source (Alertmanager, Grafana, PagerDuty, Opsgenie…): how a delivery authenticates, how its body becomes
/// an <see cref="AlertNotification"/>, how a preview tells its body by shape, and what the delivery side adds before
/// resolving. Every registration (TryAddEnumerable) is mapped at <c>/webhooks/{Name}</c> and offered by the preview,
/// in registration order.
/// </summary>
public interface IAlertSource
{
    /// <summary>Lower-case name: the route segment, the <c>source</c> metric label and the preview's <c>?source=</c>.</summary>
    string Name { get; }

    /// <summary>What the OpenAPI document and the preview's description say about this source.</summary>
    WebhookDocs Docs { get; }

    /// <summary>The largest body accepted; a larger one is refused with 413.</summary>
    int MaxBodyBytes { get; }

    /// <summary>
    /// Checks the credentials in the request's headers before the body is read, so a stranger never gets to send
    /// a megabyte. Null when they pass (or the source is open).
    /// </summary>
    WebhookRejection? Authorize(HttpRequest request);

    /// <summary>Checks what covers the body itself (an HMAC signature). Null when it passes or the source signs nothing.</summary>
    WebhookRejection? Verify(HttpRequest request, byte[] body, DateTimeOffset now) => null;

    /// <summary>The body as a notification, or the reason it carries none, or the reason it is invalid (a 400).</summary>
    /// <param name="headers">The delivery's headers (none for a preview).</param>
    WebhookParse Parse(byte[] body, IHeaderDictionary headers, DateTimeOffset receivedAt);

    /// <summary>
    /// How surely a body of this shape is this source's. <paramref name="root"/> is the parsed body, or <c>default</c>
    /// (<see cref="JsonValueKind.Undefined"/>) when the body is not JSON at all.
    /// </summary>
    ShapeMatch MatchShape(JsonElement root);

    /// <summary>
    /// Adds to a stored notification what the delivery side fetches before resolving it (PagerDuty's custom details).
    /// Called off the request path, so a slow sender API never delays the webhook's answer. Best effort: the
    /// notification as it is when there is nothing to add or the fetch fails.
    /// </summary>
    Task<AlertNotification> CompleteAsync(AlertNotification notification, CancellationToken cancellationToken) =>
        Task.FromResult(notification);
}

/// <summary>What is said about a source in the OpenAPI document and in the preview's description.</summary>
public sealed record WebhookDocs
{
    /// <summary>The OpenAPI operation id, e.g. <c>AlertmanagerWebhook</c>.</summary>
    public required string OperationId { get; init; }

    /// <summary>The sender as people call it: "Alertmanager", "PagerDuty V3".</summary>
    public required string Title { get; init; }

    public required string Summary { get; init; }

    public required string Description { get; init; }

    /// <summary>The body type the OpenAPI schema is generated from.</summary>
    public required Type Payload { get; init; }

    /// <summary>The top-level property that marks this source's bodies (alerts, event, action).</summary>
    public required string ShapeProperty { get; init; }

    /// <summary>What tells its bodies apart, as the preview documents it: "`action` + `alert`".</summary>
    public required string Shape { get; init; }

    /// <summary>True when some valid deliveries ask nothing of Slack (a ping, a tag change) and are answered 200.</summary>
    public bool MayIgnore { get; init; }
}

/// <summary>Why a webhook call is refused. The detail says what is wrong and never echoes a secret.</summary>
/// <param name="StatusCode">The HTTP status (401, 400, 413, 415).</param>
/// <param name="Reason">Lower-case words for the <c>reason</c> metric label: unauthorized, bad_signature, too_large…</param>
public sealed record WebhookRejection(int StatusCode, string Reason, string Title, string Detail);

/// <summary>What a source's parser made of a body: a notification, nothing to deliver (and why), or an error.</summary>
public sealed record WebhookParse
{
    public AlertNotification? Notification { get; private init; }

    /// <summary>The source's own name for what happened (pagey.ping, AddTags), when it carries nothing to deliver.</summary>
    public string? Event { get; private init; }

    public string? IgnoredBecause { get; private init; }

    /// <summary>Why the body is invalid: the 400's detail, naming where and what.</summary>
    public string? Error { get; private init; }

    public static WebhookParse Accepted(AlertNotification notification) => new() { Notification = notification, Event = notification.Event };

    public static WebhookParse Ignored(string eventName, string reason) => new() { Event = eventName, IgnoredBecause = reason };

    public static WebhookParse Invalid(string error) => new() { Error = error };
}

/// <summary>
/// How surely a body's shape is a source's. The preview takes the strongest match; on a tie the earlier registration.
/// </summary>
public enum ShapeMatch
{
    /// <summary>Not this source's shape.</summary>
    None = 0,

    /// <summary>Not a JSON object at all: the source whose parser best explains what is wrong with it.</summary>
    Fallback = 1,

    /// <summary>A shape other sources share (<c>alerts</c>).</summary>
    Shared = 2,

    /// <summary>The shared shape plus a mark of this source (Grafana's <c>version</c> "1" or <c>orgId</c>).</summary>
    Marked = 3,

    /// <summary>A top-level property only this source sends (PagerDuty's <c>event</c>).</summary>
    Distinct = 4,
}
