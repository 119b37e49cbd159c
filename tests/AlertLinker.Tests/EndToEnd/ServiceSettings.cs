using AlertLinker.Tests.TestSupport;
using WireMock.Server;

namespace AlertLinker.Tests.EndToEnd;

/// <summary>
/// The settings an end-to-end test starts the real service with, written once: Alertmanager's token and Slack in bot
/// mode against the loopback stand-in; for replicas, the shared PostgreSQL. Each test adds its own, which win.
/// </summary>
internal static class ServiceSettings
{
    /// <summary>Webhooks from Alertmanager with <paramref name="bearer"/>; Slack's Web API stand-in, a bot token, one channel.</summary>
    public static Dictionary<string, string> AlertmanagerToSlack(string bearer, WireMockServer slack, string channel) => new()
    {
        ["Sources:Alertmanager:BearerToken"] = bearer,
        ["Slack:BotToken"] = "xoxb-e2e-not-a-real-token",
        ["Slack:Channel"] = channel,
        ["Slack:ApiUrl"] = StandIns.SlackApiUrl(slack).AbsoluteUri,
    };

    /// <summary>A replica on the shared PostgreSQL, Slack unpaced, a short store poll; then <paramref name="own"/>.</summary>
    public static Dictionary<string, string> OnPostgres(
        string connectionString, string bearer, WireMockServer slack, string channel, IReadOnlyDictionary<string, string> own) =>
        Of(AlertmanagerToSlack(bearer, slack, channel), new Dictionary<string, string>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = connectionString,
            ["Slack:PaceInterval"] = "00:00:00",
            ["Delivery:PollInterval"] = "00:00:00.250",
        }, own);

    /// <summary>The parts as one settings dictionary; where two set a key, the later one wins.</summary>
    public static Dictionary<string, string> Of(params IReadOnlyDictionary<string, string>[] parts)
    {
        var all = new Dictionary<string, string>();
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
                all[key] = value;
        }
        return all;
    }
}
