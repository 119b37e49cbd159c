using System.Net;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Graphs;

/// <summary>
/// Slack's three upload steps on a WireMock server, answering with the shapes of Slack's method reference:
/// <c>files.getUploadURLExternal</c> → <c>{"ok":true,"upload_url":"…/upload/v1/…","file_id":"F…"}</c>, the upload URL
/// → HTTP 200 <c>OK - &lt;length&gt;</c>, <c>files.completeUploadExternal</c> → <c>{"ok":true,"files":[{"id","title"}]}</c>.
/// </summary>
internal static class SlackUploadStandIn
{
    public const string FileId = "F0GRAPH0001";
    public const string UploadPath = "/upload/v1/CwABAAAAXAoAAZnbGraphTest";

    public static void Serve(WireMockServer slack, string apiPrefix = "/api")
    {
        var baseUrl = $"http://127.0.0.1:{slack.Port}";
        slack.Given(Request.Create().WithPath(apiPrefix + "/files.getUploadURLExternal").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK)
                .WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody($$"""{"ok":true,"upload_url":"{{baseUrl}}{{UploadPath}}","file_id":"{{FileId}}"}"""));
        slack.Given(Request.Create().WithPath(UploadPath).UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK).WithBody(request => "OK - " + (request.BodyAsBytes?.Length ?? 0)));
        slack.Given(Request.Create().WithPath(apiPrefix + "/files.completeUploadExternal").UsingPost()).AtPriority(10)
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK)
                .WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody($$"""{"ok":true,"files":[{"id":"{{FileId}}","title":"graph"}]}"""));
    }

    /// <summary>A Web API method answering HTTP 200 <c>{"ok":false,"error":…}</c>.</summary>
    public static void Refuse(WireMockServer slack, string method, string error, string apiPrefix = "/api") =>
        slack.Given(Request.Create().WithPath(apiPrefix + "/" + method).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.OK)
                .WithHeader("Content-Type", "application/json; charset=utf-8")
                .WithBody($$"""{"ok":false,"error":"{{error}}"}"""));

    public static IReadOnlyList<ILogEntry> Calls(WireMockServer slack) =>
        slack.LogEntries.OrderBy(e => e.RequestMessage.DateTime).ToList();

    /// <summary>The request paths in the order they came, Web API methods without their prefix (<c>/api/</c>).</summary>
    public static IReadOnlyList<string> Steps(WireMockServer slack) =>
        Calls(slack).Select(e => e.RequestMessage.Path).Select(p => p == UploadPath ? p : p[(p.LastIndexOf('/') + 1)..]).ToList();
}
