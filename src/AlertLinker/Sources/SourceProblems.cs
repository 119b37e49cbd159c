namespace AlertLinker.Sources;

/// <summary>The problem+json answers of the webhook endpoints: each says what is wrong and never echoes a secret.</summary>
internal static class SourceProblems
{
    public static IResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The webhook payload is invalid");

    public static IResult Unauthorized(string source) =>
        TypedResults.Problem(
            $"Missing or wrong credentials for the {source} webhook. Send the Authorization header configured under AlertLinker:Sources.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized");

    /// <param name="reason">What is wrong with the credentials (never the expected value).</param>
    public static IResult Unauthorized(string source, string reason) =>
        TypedResults.Problem($"{reason} ({source} webhook).", statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");

    public const string SourceLimitSetting = "AlertLinker:Sources:<Source>:MaxBodyBytes";

    public static IResult TooLarge(int maxBytes, string limitSetting = SourceLimitSetting) =>
        TypedResults.Problem(
            $"The body is larger than the limit of {maxBytes} bytes ({limitSetting}).",
            statusCode: StatusCodes.Status413PayloadTooLarge,
            title: "Payload too large");

    public static IResult UnsupportedMediaType(string contentType) =>
        TypedResults.Problem(
            $"Content-Type '{Truncate(contentType)}' is not JSON; send application/json.",
            statusCode: StatusCodes.Status415UnsupportedMediaType,
            title: "Unsupported media type");

    public static IResult StoreUnavailable() =>
        TypedResults.Problem(
            "The alert could not be stored; nothing was accepted. Retry later.",
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "Store unavailable");

    private static string Truncate(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
