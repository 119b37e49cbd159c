using System.Reflection;
using System.Text.RegularExpressions;

namespace AlertLinker.Tests.Deploy;

/// <summary>deploy/slack/manifest.yml against Slack's manifest format and the Slack methods the service calls.</summary>
public sealed partial class SlackManifestTests
{
    private static readonly YamlDotNet.RepresentationModel.YamlMappingNode Manifest = DeployFiles.Yaml("deploy/slack/manifest.yml");

    /// <summary>
    /// The bot scopes Slack's method reference requires (https://docs.slack.dev/reference/methods/&lt;method&gt;).
    /// A method missing here fails the test below: add it with the scopes its reference page names.
    /// </summary>
    private static readonly Dictionary<string, string[]> ScopesOf = new(StringComparer.Ordinal)
    {
        ["chat.postMessage"] = ["chat:write"],
        ["chat.update"] = ["chat:write"],
        ["chat.postEphemeral"] = ["chat:write"],
        ["chat.delete"] = ["chat:write"],
        ["conversations.history"] = ["channels:history", "groups:history"],
        ["conversations.replies"] = ["channels:history", "groups:history"],
        ["files.getUploadURLExternal"] = ["files:write"],
        ["files.completeUploadExternal"] = ["files:write"],
        ["auth.test"] = [],
        ["users.info"] = ["users:read"],
        ["usergroups.users.list"] = ["usergroups:read"],
    };

    private static IReadOnlyList<string> BotScopes => Manifest.At("oauth_config", "scopes", "bot").Items().Select(s => s.Text()!).ToList();

    [Fact]
    public void TheManifestHasWhatCreateFromManifestNeeds()
    {
        Assert.Equal("1", Manifest.Text("_metadata", "major_version"));
        var name = Manifest.Text("display_information", "name");
        Assert.InRange(name.Length, 1, 35);
        Assert.InRange(Manifest.Text("features", "bot_user", "display_name").Length, 1, 80);
        Assert.NotEmpty(BotScopes);
        Assert.Equal("false", Manifest.Text("settings", "socket_mode_enabled"));
    }

    [Fact]
    public void EverySlackMethodTheServiceCallsHasItsScopesInTheManifest()
    {
        var called = SlackMethodsCalled();
        Assert.Contains("chat.postMessage", called);

        foreach (var method in called)
        {
            Assert.True(ScopesOf.TryGetValue(method, out var scopes), $"the service calls {method}: add its scopes to {nameof(ScopesOf)}");
            foreach (var scope in scopes!)
                Assert.True(BotScopes.Contains(scope), $"the service calls {method}, which needs the bot scope {scope}: add it to deploy/slack/manifest.yml");
        }
    }

    [Fact]
    public void TheManifestAsksForTheScopesOfCrashRecoveryAndGraphs()
    {
        // Finding its own posts after a crash (conversations.history in public and private channels), and uploading
        // the alert's graph: the app is created once, so it asks for them with the first install.
        foreach (var scope in new[] { "chat:write", "channels:history", "groups:history", "files:write" })
            Assert.Contains(scope, BotScopes);
        Assert.Equal(BotScopes.Count, BotScopes.Distinct().Count());
    }

    [SkippableFact]
    public async Task TheInteractivityRequestUrlIsHttpsAndARouteTheServiceMaps()
    {
        Assert.Equal("true", Manifest.Text("settings", "interactivity", "is_enabled"));
        var url = new Uri(Manifest.Text("settings", "interactivity", "request_url"));
        Assert.Equal("https", url.Scheme);

        Skip.IfNot(await AppRoutes.MapsAsync("POST", url.AbsolutePath),
            $"POST {url.AbsolutePath} is not mapped in this build yet (actions from Slack); mapped: {await AppRoutes.DescribeAsync()}");
    }

    /// <summary>Every Slack Web API method named by a Refit attribute in the service (paths like <c>/chat.postMessage</c>).</summary>
    private static IReadOnlySet<string> SlackMethodsCalled() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => t.IsInterface)
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetCustomAttributes<Refit.HttpMethodAttribute>())
            .Select(a => SlackMethod().Match(a.Path))
            .Where(m => m.Success)
            .Select(m => m.Groups["method"].Value)
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"^/?(?<method>(chat|conversations|files|auth|users|usergroups|reactions|views|pins|team|bots)\.[A-Za-z.]+)$")]
    private static partial Regex SlackMethod();
}
