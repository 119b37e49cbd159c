using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>Puts a picture into a message's thread. Bot mode uploads it to Slack; dry run logs what it would upload.</summary>
internal interface ISlackFiles
{
    Task<SlackUpload> UploadAsync(SlackFileUpload file, CancellationToken cancellationToken);
}

/// <param name="ThreadTs">The message whose thread gets the picture.</param>
/// <param name="Comment">Escaped mrkdwn posted with it (initial_comment).</param>
internal sealed record SlackFileUpload(string Channel, string ThreadTs, string FileName, string Title, string AltText, ReadOnlyMemory<byte> Bytes, string Comment);

/// <summary>The upload's outcome: the file id when it worked, else which step failed and Slack's reason, one short line.</summary>
internal sealed record SlackUpload(string? FileId, string? Failure)
{
    public bool Ok => FileId is not null;

    public static SlackUpload Failed(string failure) => new(null, failure);
}

/// <summary>
/// Slack's upload flow (files.upload is gone): 1. <c>files.getUploadURLExternal</c> (form: <c>filename</c>,
/// <c>length</c>, <c>alt_txt</c>) → <c>{ok, upload_url, file_id}</c>; 2. POST the bytes to <c>upload_url</c> (any
/// non-200 fails); 3. <c>files.completeUploadExternal</c> (JSON <c>{files:[{id,title}], channel_id, thread_ts,
/// initial_comment}</c>) shares it into the thread. Needs the scope files:write. One try, bounded by
/// <see cref="SlackOptions.Timeout"/> per call; a failure is the caller's one-line note, never a retry of the message.
/// </summary>
internal sealed class SlackWebApiFiles(IHttpClientFactory clients, SlackPace pace, IOptions<SlackOptions> options) : ISlackFiles
{
    public const string ClientName = "slack-files";
    public const string GetUploadUrlMethod = "files.getUploadURLExternal";
    public const string CompleteUploadMethod = "files.completeUploadExternal";

    private readonly SlackOptions options = options.Value;

    public async Task<SlackUpload> UploadAsync(SlackFileUpload file, CancellationToken cancellationToken)
    {
        if (pace.HeldFor(GetUploadUrlMethod) is not null || pace.HeldFor(CompleteUploadMethod) is not null)
            return SlackUpload.Failed("Slack is rate limiting uploads");
        var http = clients.CreateClient(ClientName);
        try
        {
            // 1. Where to send the bytes.
            using var ask = Request(HttpMethod.Post, Method(GetUploadUrlMethod));
            ask.Content = new FormUrlEncodedContent(
            [
                new("filename", file.FileName),
                new("length", file.Bytes.Length.ToString(CultureInfo.InvariantCulture)),
                new("alt_txt", file.AltText),
            ]);
            var (asked, failure) = await CallAsync<UploadUrlAnswer>(http, ask, GetUploadUrlMethod, cancellationToken);
            if (failure is not null)
                return SlackUpload.Failed(failure);
            if (asked!.UploadUrl is not { } uploadUrl || asked.FileId is not { } fileId || !SlackText.IsWebUrl(uploadUrl))
                return SlackUpload.Failed($"{GetUploadUrlMethod} gave no upload_url or file_id");

            // 2. The bytes, as the raw body.
            using var send = new HttpRequestMessage(HttpMethod.Post, uploadUrl);
            // The token goes only to Slack's own hosts (and to a stand-in at the configured API host), never elsewhere.
            if (SameSlack(uploadUrl))
                send.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.BotToken);
            send.Content = new ReadOnlyMemoryContent(file.Bytes);
            send.Content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            using (var sent = await http.SendAsync(send, cancellationToken))
            {
                if (sent.StatusCode != HttpStatusCode.OK)
                    return SlackUpload.Failed($"the upload of the bytes was refused (HTTP {(int)sent.StatusCode})");
            }

            // 3. Share it into the message's thread.
            using var complete = Request(HttpMethod.Post, Method(CompleteUploadMethod));
            complete.Content = JsonContent.Create(
                new CompleteUploadRequest([new CompleteUploadFile(fileId, file.Title)], file.Channel, file.ThreadTs, file.Comment),
                options: SlackJson.Options);
            var (_, completeFailure) = await CallAsync<CompleteUploadAnswer>(http, complete, CompleteUploadMethod, cancellationToken);
            return completeFailure is null ? new SlackUpload(fileId, null) : SlackUpload.Failed(completeFailure);
        }
        catch (Exception exception) when (SlackTransport.IsTransport(exception, cancellationToken))
        {
            return SlackUpload.Failed(SlackTransport.TransportFailure("Slack upload", exception).Error ?? "Slack upload failed");
        }
    }

    private HttpRequestMessage Request(HttpMethod method, Uri url)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.BotToken);
        return request;
    }

    private async Task<(T? Answer, string? Failure)> CallAsync<T>(HttpClient http, HttpRequestMessage request, string method, CancellationToken cancellationToken)
        where T : class, IUploadAnswer
    {
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            if (SlackResults.AfterOrNull(response.Headers.RetryAfter, DateTimeOffset.UtcNow) is { } after)
                pace.Hold(method, after);
            return (null, $"{method} rate limited (HTTP 429)");
        }
        if (response.StatusCode != HttpStatusCode.OK)
            return (null, $"{method} answered HTTP {(int)response.StatusCode}");
        T? answer;
        try
        {
            answer = await response.Content.ReadFromJsonAsync<T>(SlackJson.Options, cancellationToken);
        }
        catch (System.Text.Json.JsonException)
        {
            answer = null;
        }
        if (answer is null)
            return (null, $"{method} answered without a readable body");
        if (!answer.Ok)
        {
            var error = SlackText.Truncate(SlackText.SingleLine(answer.Error ?? "unknown_error"), 100).Text;
            return (null, error == "missing_scope" ? $"{method}: missing_scope (the app needs files:write)" : $"{method}: {error}");
        }
        return (answer, null);
    }

    private Uri Method(string method) =>
        new(new Uri(options.ApiUrl.AbsoluteUri.EndsWith('/') ? options.ApiUrl.AbsoluteUri : options.ApiUrl.AbsoluteUri + "/"), method);

    private bool SameSlack(Uri url) =>
        url.Scheme == Uri.UriSchemeHttps && (url.Host == "slack.com" || url.Host.EndsWith(".slack.com", StringComparison.OrdinalIgnoreCase))
        || string.Equals(url.Authority, options.ApiUrl.Authority, StringComparison.OrdinalIgnoreCase);

    private interface IUploadAnswer
    {
        bool Ok { get; }

        string? Error { get; }
    }

    private sealed record UploadUrlAnswer(bool Ok, string? Error, Uri? UploadUrl, string? FileId) : IUploadAnswer;

    private sealed record CompleteUploadAnswer(bool Ok, string? Error) : IUploadAnswer;

    private sealed record CompleteUploadRequest(
        IReadOnlyList<CompleteUploadFile> Files,
        string ChannelId,
        string ThreadTs,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] string? InitialComment);

    private sealed record CompleteUploadFile(string Id, string Title);
}

/// <summary>Dry run: the upload is logged (file name, size, alt text) and "succeeds".</summary>
internal sealed class SlackDryRunFiles(ILogger<SlackDryRunFiles> logger) : ISlackFiles
{
    public Task<SlackUpload> UploadAsync(SlackFileUpload file, CancellationToken cancellationToken)
    {
        SlackGraphLog.DryRunUpload(logger, file.FileName, file.Bytes.Length, file.Channel, file.ThreadTs, file.AltText);
        return Task.FromResult(new SlackUpload("dry-run-file", null));
    }
}
