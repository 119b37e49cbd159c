using System.Net.Http.Headers;
using AlertLinker.Tests.EndToEnd.Harness;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// The service as a real process: <c>dotnet AlertLinker.dll --urls http://127.0.0.1:&lt;port&gt;</c>, configured only
/// through <c>AlertLinker__…</c> environment variables (the documented configuration contract).
/// </summary>
internal sealed class AlertLinkerProcess : IAsyncDisposable
{
    // Generous: a cold `dotnet` start on a loaded 2-core machine has taken over 10 s here.
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(45);

    private readonly ManagedProcess process;

    private AlertLinkerProcess(ManagedProcess process, Uri baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public Uri AlertmanagerWebhook => new(BaseUrl, "webhooks/alertmanager");

    public int ProcessId => process.Id;

    /// <summary>Starts the service and waits until <c>/readyz</c> answers 200.</summary>
    /// <param name="settings">Configuration below the <c>AlertLinker</c> section, keys with ':' (e.g. <c>Storage:Path</c>).</param>
    public static async Task<AlertLinkerProcess> StartAsync(
        string name,
        IReadOnlyDictionary<string, string> settings,
        CancellationToken cancellationToken,
        int? port = null)
    {
        var baseUrl = new Uri($"http://127.0.0.1:{port ?? FreePort.Next()}/");
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_URLS"] = null,
            ["DOTNET_NOLOGO"] = "1",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__LogLevel__Default"] = "Information",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };

        // The shipped runbooks, when the checkout has them: the service validates templates at start-up.
        var runbooks = Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "runbooks");
        if (Directory.Exists(runbooks))
            environment["AlertLinker__Runbooks__Directory"] = runbooks;

        // Tests count the calls their Slack stand-in receives; the start-up token check would be one more.
        environment["AlertLinker__Slack__VerifyTokenOnStart"] = "false";
        foreach (var (key, value) in settings)
            environment["AlertLinker__" + key.Replace(":", "__", StringComparison.Ordinal)] = value;

        var process = ManagedProcess.Start(name, "dotnet",
            [EndToEndBinaries.AlertLinkerDll, "--urls", baseUrl.AbsoluteUri.TrimEnd('/')],
            environment,
            workingDirectory: Path.GetDirectoryName(EndToEndBinaries.AlertLinkerDll));
        try
        {
            await process.WaitUntilReadyAsync(new Uri(baseUrl, "readyz"), StartTimeout, cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return new AlertLinkerProcess(process, baseUrl);
    }

    /// <summary>POSTs a raw Alertmanager body exactly as Alertmanager does (same headers), with a bearer token.</summary>
    public async Task<HttpResponseMessage> PostAlertmanagerAsync(HttpClient http, byte[] body, string bearerToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, AlertmanagerWebhook)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.UserAgent.ParseAdd("Alertmanager/0.25.0");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        return await http.SendAsync(request, cancellationToken);
    }

    /// <summary>Like a crash or an OOM kill: no graceful shutdown, no flush.</summary>
    public void KillHard() => process.KillHard();

    public string Describe() => process.Describe();

    public ValueTask DisposeAsync() => process.DisposeAsync();
}
