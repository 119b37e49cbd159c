namespace AlertLinker.Preview;

internal static class PreviewProblems
{
    public static IResult Disabled() =>
        TypedResults.Problem(
            $"The preview is off. To enable it set {PreviewOptions.SectionName}:BearerToken (or BasicAuth:Username and Password), " +
            $"or {PreviewOptions.SectionName}:AllowAnonymous to true on a machine of your own.",
            statusCode: StatusCodes.Status403Forbidden,
            title: "Preview disabled");

    public static IResult Unauthorized() =>
        TypedResults.Problem(
            $"Missing or wrong credentials for the preview. Send the Authorization header configured under {PreviewOptions.SectionName}.",
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Unauthorized");

    public static IResult Busy(int limit) =>
        TypedResults.Problem(
            $"{limit} previews are running already ({PreviewOptions.SectionName}:MaxConcurrent); retry in a moment.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many previews");
}
