using WireMock.Server;

namespace AlertLinker.Tests.TestSupport;

/// <summary>
/// The configuration in-process test apps share, written once: Slack's stand-in in bot mode, Jaeger's stand-in as the
/// backend named <c>jaeger</c> with its UI at <see cref="JaegerUi"/> (the host the tests' asserted links name).
/// </summary>
public static class TestSettings
{
    public const string JaegerUi = "http://jaeger-ui.test/";

    /// <summary>Slack's Web API stand-in, a bot token and one channel ID.</summary>
    public static Dictionary<string, string?> SlackBot(WireMockServer slack) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["AlertLinker:Slack:ApiUrl"] = slack.Url + "/",
        ["AlertLinker:Slack:BotToken"] = "xoxb-test-token",
        ["AlertLinker:Slack:Channel"] = "C1H9RESGL",
    };

    /// <summary>Backend <c>jaeger</c> at <paramref name="apiUrl"/>, its links on <see cref="JaegerUi"/>.</summary>
    public static Dictionary<string, string?> Jaeger(string? apiUrl) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["AlertLinker:Backends:jaeger:Type"] = "Jaeger",
        ["AlertLinker:Backends:jaeger:ApiUrl"] = apiUrl,
        ["AlertLinker:Backends:jaeger:UiUrl"] = JaegerUi,
    };

    /// <summary>The parts as one settings dictionary; where two set a key, the later one wins.</summary>
    public static Dictionary<string, string?> Of(params IReadOnlyDictionary<string, string?>[] parts)
    {
        var all = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
                all[key] = value;
        }
        return all;
    }
}
