namespace AlertLinker.Sources;

/// <summary>The problem+json answers of the webhook endpoints: each says what is wrong and never echoes a secret.</summary>
internal static class SourceProblems
{
    /// <summary>The <c>reason</c> label values of <c>alertlinker_webhooks_rejected_total</c>.</summary>
    public static class Reasons
    {
        public const string Unauthorized = "unauthorized";
        public const string NoCredentialsConfigured = "no_credentials_configured";
        public const string BadSignature = "bad_signature";
        public const string InvalidPayload = "invalid_payload";
        public const string TooLarge = "too_large";
        public const string UnsupportedMediaType = "unsupported_media_type";
    }

    public static WebhookRejection BadRequest(string detail) =>
        new(StatusCodes.Status400BadRequest, Reasons.InvalidPayload, "The webhook payload is invalid", detail);

    /// <param name="reason">The metric's reason: <see cref="Reasons.Unauthorized"/> or <see cref="Reasons.NoCredentialsConfigured"/>.</param>
    public static WebhookRejection Unauthorized(string source, string reason = Reasons.Unauthorized) =>
        new(StatusCodes.Status401Unauthorized, reason, "Unauthorized",
            $"Missing or wrong credentials for the {source} webhook. Send the Authorization header configured under AlertLinker:Sources.");

    /// <param name="problem">What is wrong with the credentials (never the expected value).</param>
    /// <param name="reason">The metric's reason word.</param>
    public static WebhookRejection Unauthorized(string source, string problem, string reason) =>
        new(StatusCodes.Status401Unauthorized, reason, "Unauthorized", $"{problem} ({source} webhook).");

    public const string SourceLimitSetting = "AlertLinker:Sources:<Source>:MaxBodyBytes";

    public static WebhookRejection TooLarge(int maxBytes, string limitSetting = SourceLimitSetting) =>
        new(StatusCodes.Status413PayloadTooLarge, Reasons.TooLarge, "Payload too large",
            $"The body is larger than the limit of {maxBytes} bytes ({limitSetting}).");

    public static WebhookRejection UnsupportedMediaType(string contentType) =>
        new(StatusCodes.Status415UnsupportedMediaType, Reasons.UnsupportedMediaType, "Unsupported media type",
            $"Content-Type '{Truncate(contentType)}' is not JSON; send application/json.");

    public static IResult ToProblem(this WebhookRejection rejection) =>
        TypedResults.Problem(rejection.Detail, statusCode: rejection.StatusCode, title: rejection.Title);

    public static IResult StoreUnavailable() =>
        TypedResults.Problem(
            "The alert could not be stored; nothing was accepted. Retry later.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Store unavailable");

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
