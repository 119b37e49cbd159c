using AlertLinker.Tests.TestSupport;
using WireMock.Server;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// What every replica of a PostgreSQL end-to-end test is started with: the shared database, one Alertmanager token,
/// Slack in bot mode against the loopback stand-in, unpaced, and a short store poll; then the test's own settings,
/// which win.
/// </summary>
internal static class ReplicaSettings
{
    public static Dictionary<string, string> OnPostgres(
        string connectionString, string bearer, WireMockServer slack, string channel, IReadOnlyDictionary<string, string> own)
    {
        var settings = new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = connectionString,
            ["Sources:Alertmanager:BearerToken"] = bearer,
            ["Slack:BotToken"] = "xoxb-e2e-not-a-real-token",
            ["Slack:Channel"] = channel,
            ["Slack:ApiUrl"] = StandIns.SlackApiUrl(slack).AbsoluteUri,
            ["Slack:PaceInterval"] = "00:00:00",
            ["Delivery:PollInterval"] = "00:00:00.250",
        };
        foreach (var (key, value) in own)
            settings[key] = value;
        return settings;
    }
}
