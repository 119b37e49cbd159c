using System.Net;
using System.Text.Json;
using AlertLinker.Slack;
using AlertLinker.Storage;
using AlertLinker.Storage.Postgres;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AlertLinker.Tests.Storage.Postgres;

/// <summary>The service (in process) with <c>Storage:Provider = Postgres</c>: two replicas on one database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServiceTests(PostgresServer server)
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    private static AlertLinkerApp Replica(string connectionString) => new(new Dictionary<string, string?>
    {
        ["AlertLinker:Storage:Provider"] = "Postgres",
        ["AlertLinker:Storage:ConnectionString"] = connectionString,
        ["AlertLinker:Storage:CommandTimeout"] = "00:00:02",
    });

    private static async Task<HttpResponseMessage> PostCaptureAsync(HttpClient client)
    {
        var content = new ByteArrayContent(SharedFixtures.ReadBytes(Capture));
        content.Headers.ContentType = new("application/json");
        return await client.PostAsync("/webhooks/alertmanager", content);
    }

    [PostgresFact]
    public async Task TwoReplicasGivenTheSameWebhookBothAnswer202AndStoreItOnce()
    {
        var db = new PostgresTestDatabase(server, GetType());
        await using var a = Replica(db.ConnectionString);
        await using var b = Replica(db.ConnectionString);
        using var clientA = a.CreateAuthorizedClient();
        using var clientB = b.CreateAuthorizedClient();

        var answers = await Task.WhenAll(PostCaptureAsync(clientA), PostCaptureAsync(clientB));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode));
        var bodies = await Task.WhenAll(answers.Select(async answer => JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement));
        var stored = Assert.Single(bodies, body => body.GetProperty("notificationId").ValueKind == JsonValueKind.Number);
        var duplicate = Assert.Single(bodies, body => body.GetProperty("notificationId").ValueKind == JsonValueKind.Null);
        Assert.Equal(stored.GetProperty("accepted").GetInt32(), duplicate.GetProperty("duplicates").GetInt32());
        Assert.Equal(1L, db.Scalar("SELECT count(*) FROM notifications"));
        Assert.Equal("healthy", (string?)System.Text.Json.Nodes.JsonNode.Parse(await clientA.GetStringAsync("/readyz"))!["status"]);
        Assert.IsType<PostgresAlertStore>(a.Services.GetRequiredService<IAlertStore>());
        Assert.Same(a.Services.GetRequiredService<IAlertStore>(), a.Services.GetRequiredService<ISlackMessageStore>());
        Assert.DoesNotContain(a.Logs.Concat(b.Logs), line => line.Contains(PostgresServer.Password, StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task ADatabaseOutageMakesWebhooksAnswer503AndReadinessFailUntilItIsBack()
    {
        var db = new PostgresTestDatabase(server, GetType());
        using var proxy = new CuttableProxy(server.Port);
        await using var app = Replica(new NpgsqlConnectionStringBuilder(db.ConnectionString) { Port = proxy.Port }.ConnectionString);
        using var client = app.CreateAuthorizedClient();
        Assert.Equal("healthy", (string?)System.Text.Json.Nodes.JsonNode.Parse(await client.GetStringAsync("/readyz"))!["status"]);

        proxy.Cut();
        var during = await PostCaptureAsync(client);
        var ready = await client.GetAsync("/readyz");
        proxy.Restore();
        var after = await PostCaptureAsync(client);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, after.StatusCode);
        Assert.Equal(1L, db.Scalar("SELECT count(*) FROM notifications"));
        Assert.DoesNotContain(app.Logs, line => line.Contains(PostgresServer.Password, StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task TheNotificationsCommandListsAndRetriesTheSharedDatabaseWithoutShowingTheConnectionString()
    {
        var db = new PostgresTestDatabase(server, GetType());
        long failed;
        using (var store = db.Open(TestNotifications.Clock()))
        {
            failed = (await store.AcceptAsync(TestNotifications.Create(groupKey: "failed-group"), CancellationToken.None)).NotificationId!.Value;
            await store.ClaimDueAsync("replica-a", 10, TimeSpan.FromSeconds(30), CancellationToken.None);
            await store.MarkFailedAsync(failed, "replica-a", "Slack API error invalid_auth", retryAt: null, CancellationToken.None);
        }
        string[] settings = ["--AlertLinker:Storage:Provider", "Postgres", "--AlertLinker:Storage:ConnectionString", db.ConnectionString];
        using var listed = new StringWriter();
        using var retried = new StringWriter();
        using var error = new StringWriter();

        var listCode = await NotificationsCommand.RunAsync(["list", .. settings], listed, error);
        var retryCode = await NotificationsCommand.RunAsync(["retry", "--failed", .. settings], retried, error);

        Assert.Equal(NotificationsCommand.Done, listCode);
        Assert.Equal(NotificationsCommand.Done, retryCode);
        Assert.Matches($@"(?m)^{failed}\s+failed\s+.*failed-group\s+Slack API error invalid_auth$", listed.ToString());
        Assert.Equal("pending", db.Scalar($"SELECT state FROM notifications WHERE id = {failed}"));
        Assert.DoesNotContain(PostgresServer.Password, listed.ToString() + retried + error);
    }

    [Fact]
    public async Task PostgresWithoutAConnectionStringStopsStartUpNamingTheSetting()
    {
        AlertLinker.Tests.EndToEnd.EndToEndBinaries.RequireService();

        var exit = await AlertLinker.Tests.Configuration.ServiceProcess.RunToExitAsync(
            new Dictionary<string, string> { ["Storage:Provider"] = "Postgres" }, TimeSpan.FromSeconds(60));

        Assert.True(exit.Code == AlertLinker.Configuration.ConfigurationCheck.ExitCode, $"exit code {exit.Code}:\n{exit.All}");
        Assert.Contains("AlertLinker:Storage:ConnectionString is required", exit.Stderr);
    }

    [Fact]
    public async Task AConnectionStringThatCannotBeParsedStopsStartUpWithoutShowingIt()
    {
        const string broken = "Host=db;Password=Do-Not-Echo-Me;NoSuchKeyword=1";
        AlertLinker.Tests.EndToEnd.EndToEndBinaries.RequireService();

        var exit = await AlertLinker.Tests.Configuration.ServiceProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = broken,
        }, TimeSpan.FromSeconds(60));

        Assert.True(exit.Code == AlertLinker.Configuration.ConfigurationCheck.ExitCode, $"exit code {exit.Code}:\n{exit.All}");
        Assert.Contains("AlertLinker:Storage:ConnectionString is not a usable PostgreSQL connection string", exit.Stderr);
        Assert.DoesNotContain("Do-Not-Echo-Me", exit.All);
    }
}
