using System.Diagnostics;
using System.Net;

namespace AlertLinker.StormBenchmark;

/// <summary>The service under test as a process of its own, and the small helpers every scenario needs to drive it.</summary>
internal static class ServiceProcess
{
    /// <summary>
    /// How to start the Release build on 127.0.0.1:<paramref name="port"/>: SQLite in <paramref name="data"/>, the
    /// repository's runbooks, Slack in bot mode against <paramref name="slackUrl"/>, warnings only in the log. A
    /// scenario adds its own settings (backends, paces) to the environment before starting it.
    /// </summary>
    public static ProcessStartInfo StartInfo(string appDll, string root, int port, DirectoryInfo data, string token, string channel, string slackUrl) =>
        new("dotnet", [appDll, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__LogLevel__Default"] = "Warning",
                ["AlertLinker__Storage__Path"] = Path.Combine(data.FullName, "alertlinker.db"),
                ["AlertLinker__Sources__Alertmanager__BearerToken"] = token,
                ["AlertLinker__Runbooks__Directory"] = Path.Combine(root, "templates/runbooks"),
                ["AlertLinker__Slack__BotToken"] = "xoxb-bench",
                ["AlertLinker__Slack__Channel"] = channel,
                ["AlertLinker__Slack__ApiUrl"] = slackUrl + "api/",
            },
        };

    public static async Task<bool> ReadyAsync(HttpClient http)
    {
        for (var i = 0; i < 120; i++)
        {
            try
            {
                if ((await http.GetAsync("healthz")).IsSuccessStatusCode)
                    return true;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(500);
        }
        return false;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
