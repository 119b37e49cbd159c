using System.Net;
using System.Text.Json.Nodes;
using AlertLinker.Slack;
using AlertLinker.Tests.Graphs;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Slack;

public sealed class SlackFilesTests : IDisposable
{
    private const string Token = "xoxb-1111-2222-SeCrEtToKeN";
    private const string Channel = "C1H9RESGL";
    private static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10, 1, 2, 3];

    private readonly WireMockServer slack = WireMockServer.Start();
    private ServiceProvider? provider;

    public void Dispose()
    {
        provider?.Dispose();
        slack.Stop();
        slack.Dispose();
    }

    private static SlackFileUpload Upload() =>
        new(Channel, "1503435956.000247", "HighLatency-firing.png", "HighLatency: histogram_quantile(…)", "Line graph of …", Png, "📈 *HighLatency* over 14:02–14:22 UTC, 20 min");

    [Fact]
    public async Task TheUploadAsksForAUrlSendsTheBytesThereAndCompletesIntoTheThread()
    {
        SlackUploadStandIn.Serve(slack);

        var result = await Files().UploadAsync(Upload(), CancellationToken.None);

        Assert.True(result.Ok, result.Failure);
        Assert.Equal(SlackUploadStandIn.FileId, result.FileId);
        Assert.Equal(["files.getUploadURLExternal", SlackUploadStandIn.UploadPath, "files.completeUploadExternal"], SlackUploadStandIn.Steps(slack));
        var calls = SlackUploadStandIn.Calls(slack);

        // 1. Form-encoded filename, length in bytes and alt text, with the bot token.
        var ask = calls[0].RequestMessage;
        Assert.Equal("Bearer " + Token, ask.Headers!["Authorization"].Single());
        Assert.StartsWith("application/x-www-form-urlencoded", ask.Headers["Content-Type"].Single(), StringComparison.Ordinal);
        var form = QueryHelpers.ParseQuery(ask.Body);
        Assert.Equal("HighLatency-firing.png", form["filename"].ToString());
        Assert.Equal(Png.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), form["length"].ToString());
        Assert.Equal("Line graph of …", form["alt_txt"].ToString());

        // 2. The bytes themselves as the body.
        Assert.Equal(Png, calls[1].RequestMessage.BodyAsBytes);

        // 3. JSON: the file id and title, the channel and the message's ts as thread_ts, the comment.
        var complete = calls[2].RequestMessage;
        Assert.Equal("Bearer " + Token, complete.Headers!["Authorization"].Single());
        var body = JsonNode.Parse(complete.Body!)!;
        Assert.Equal(SlackUploadStandIn.FileId, (string?)body["files"]![0]!["id"]);
        Assert.Equal("HighLatency: histogram_quantile(…)", (string?)body["files"]![0]!["title"]);
        Assert.Equal(Channel, (string?)body["channel_id"]);
        Assert.Equal("1503435956.000247", (string?)body["thread_ts"]);
        Assert.Equal("📈 *HighLatency* over 14:02–14:22 UTC, 20 min", (string?)body["initial_comment"]);
    }

    [Fact]
    public async Task AMissingScopeStopsAtTheFirstStepAndSaysWhichScope()
    {
        SlackUploadStandIn.Serve(slack);
        SlackUploadStandIn.Refuse(slack, "files.getUploadURLExternal", "missing_scope");

        var result = await Files().UploadAsync(Upload(), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.Equal("files.getUploadURLExternal: missing_scope (the app needs files:write)", result.Failure);
        Assert.Equal(["files.getUploadURLExternal"], SlackUploadStandIn.Steps(slack));
    }

    [Fact]
    public async Task ARefusedUploadOfTheBytesIsNotCompleted()
    {
        SlackUploadStandIn.Serve(slack);
        slack.Given(Request.Create().WithPath(SlackUploadStandIn.UploadPath).UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(HttpStatusCode.InternalServerError));

        var result = await Files().UploadAsync(Upload(), CancellationToken.None);

        Assert.Equal("the upload of the bytes was refused (HTTP 500)", result.Failure);
        Assert.DoesNotContain("files.completeUploadExternal", SlackUploadStandIn.Steps(slack));
    }

    [Fact]
    public async Task ACompletionRefusedBySlackIsAFailureWithItsErrorCode()
    {
        SlackUploadStandIn.Serve(slack);
        SlackUploadStandIn.Refuse(slack, "files.completeUploadExternal", "not_in_channel");

        var result = await Files().UploadAsync(Upload(), CancellationToken.None);

        Assert.Equal("files.completeUploadExternal: not_in_channel", result.Failure);
        Assert.Equal(3, SlackUploadStandIn.Steps(slack).Count);
    }

    [Fact]
    public async Task ARateLimitHoldsBackTheNextUploadWithoutCallingSlack()
    {
        SlackUploadStandIn.Serve(slack);
        slack.Given(Request.Create().WithPath("/api/files.getUploadURLExternal").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "30"));
        var files = Files();

        var first = await files.UploadAsync(Upload(), CancellationToken.None);
        var second = await files.UploadAsync(Upload(), CancellationToken.None);

        Assert.Equal("files.getUploadURLExternal rate limited (HTTP 429)", first.Failure);
        Assert.Equal("Slack is rate limiting uploads", second.Failure);
        Assert.Single(slack.LogEntries);
    }

    [Fact]
    public async Task AnUnreachableSlackIsAFailureNamingNoSecret()
    {
        var closed = $"http://127.0.0.1:{AlertLinker.Tests.EndToEnd.Harness.FreePort.Next()}/api/";

        var result = await Files(closed).UploadAsync(Upload(), CancellationToken.None);

        Assert.False(result.Ok);
        Assert.StartsWith("Slack upload unreachable", result.Failure, StringComparison.Ordinal);
        Assert.DoesNotContain("SeCrEt", result.Failure, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTokenIsNotSentToAnUploadUrlOnAnotherHost()
    {
        using var elsewhere = WireMockServer.Start();
        elsewhere.Given(Request.Create().WithPath("/upload").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        SlackUploadStandIn.Serve(slack);
        slack.Given(Request.Create().WithPath("/api/files.getUploadURLExternal").UsingPost()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody($$"""{"ok":true,"upload_url":"http://localhost:{{elsewhere.Port}}/upload","file_id":"F1"}"""));

        var result = await Files().UploadAsync(Upload(), CancellationToken.None);

        Assert.True(result.Ok, result.Failure);
        var sent = Assert.Single(elsewhere.LogEntries).RequestMessage;
        Assert.False(sent.Headers?.ContainsKey("Authorization") ?? false);
    }

    private ISlackFiles Files(string? apiUrl = null)
    {
        provider?.Dispose();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SlackOptions.SectionName + ":BotToken"] = Token,
            [SlackOptions.SectionName + ":Channel"] = Channel,
            [SlackOptions.SectionName + ":ApiUrl"] = apiUrl ?? slack.Url + "/api/",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSlack();
        provider = services.BuildServiceProvider();
        return provider.GetRequiredService<ISlackFiles>();
    }
}
