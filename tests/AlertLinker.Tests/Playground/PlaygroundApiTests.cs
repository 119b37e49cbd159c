using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AlertLinker.Playground;
using AlertLinker.Tests.Sources;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Playground;

/// <summary>GET /playground, its assets and samples over HTTP, without a browser: headers, credentials, the samples' shapes.</summary>
public sealed partial class PlaygroundApiTests
{
    private const string Token = "test-token-preview";

    private static AlertLinkerApp App(IDictionary<string, string?>? settings = null) =>
        new(settings ?? new Dictionary<string, string?> { ["AlertLinker:Preview:BearerToken"] = Token });

    private static async Task<HttpResponseMessage> GetAsync(AlertLinkerApp app, string path, AuthenticationHeaderValue? auth = null)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = auth ?? new AuthenticationHeaderValue("Bearer", Token);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task ThePageIsServedWithAStrictContentSecurityPolicyAndNoInlineScriptOrStyle()
    {
        await using var app = App();

        var response = await GetAsync(app, PlaygroundApi.Route);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Equal(PlaygroundApi.ContentSecurityPolicy, csp);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        // What the policy forbids is not in the page either: no inline script, no event attributes, no style attributes.
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        Assert.DoesNotMatch(@"\sstyle\s*=", html);
    }

    [Fact]
    public async Task EveryAssetThePageNamesIsServedFromTheAssemblyAndNothingComesFromElsewhere()
    {
        await using var app = App();
        var html = await (await GetAsync(app, PlaygroundApi.Route)).Content.ReadAsStringAsync();

        var references = Reference().Matches(html).Select(m => m.Groups["url"].Value).ToList();

        Assert.Contains("/playground/assets/playground.js", references);
        Assert.Contains("/playground/assets/playground.css", references);
        foreach (var url in references.Where(u => !u.StartsWith('#') && !u.StartsWith("data:", StringComparison.Ordinal)))
        {
            Assert.StartsWith("/playground/assets/", url, StringComparison.Ordinal);
            var asset = await GetAsync(app, url);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(url.EndsWith(".js", StringComparison.Ordinal) ? "text/javascript" : "text/css", asset.Content.Headers.ContentType?.MediaType);
            Assert.NotEmpty(await asset.Content.ReadAsByteArrayAsync());
        }
        // The script's code (its comment lines aside) names no other origin and never parses text as HTML.
        var script = await (await GetAsync(app, "/playground/assets/playground.js")).Content.ReadAsStringAsync();
        var code = string.Join('\n', script.Split('\n').Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));
        Assert.DoesNotMatch(@"https?://", code);
        Assert.DoesNotMatch(@"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(", code);
        await SourceTestApp.AssertProblemAsync(await GetAsync(app, "/playground/assets/secrets.json"), HttpStatusCode.NotFound, "no asset 'secrets.json'");
    }

    [Fact]
    public async Task ThePageItsAssetsAndSamplesNeedThePreviewsCredentialsAndBasicAskTheBrowserForThem()
    {
        await using (var app = App(new Dictionary<string, string?>
        {
            ["AlertLinker:Preview:BasicAuth:Username"] = "author",
            ["AlertLinker:Preview:BasicAuth:Password"] = "s3cret",
        }))
        {
            var good = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("author:s3cret")));
            var bad = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("author:wrong")));
            foreach (var path in new[] { PlaygroundApi.Route, "/playground/assets/playground.js", PlaygroundApi.SamplesRoute })
            {
                Assert.Equal(HttpStatusCode.OK, (await GetAsync(app, path, good)).StatusCode);
                var refused = await GetAsync(app, path, bad);
                await SourceTestApp.AssertProblemAsync(refused, HttpStatusCode.Unauthorized, "AlertLinker:Preview");
                Assert.Contains(refused.Headers.WwwAuthenticate, challenge => challenge.Scheme == "Basic");
            }
        }
        await using (var off = App(new Dictionary<string, string?>()))
            await SourceTestApp.AssertProblemAsync(await GetAsync(off, PlaygroundApi.Route), HttpStatusCode.Forbidden, "AlertLinker:Preview:BearerToken");
    }

    [Fact]
    public async Task InDevelopmentThePageIsOpenWithoutCredentials()
    {
        await using var app = new AlertLinkerApp(new Dictionary<string, string?> { ["environment"] = "Development" });
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(PlaygroundApi.Route)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(PlaygroundApi.SamplesRoute)).StatusCode);
    }

    [Fact]
    public async Task EverySampleIsReadByItsSourceAsANotificationAndToldFromItsShape()
    {
        await using var app = App();
        var samples = JsonDocument.Parse(await (await GetAsync(app, PlaygroundApi.SamplesRoute)).Content.ReadAsStringAsync()).RootElement;
        var sources = samples.GetProperty("sources").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Equal(["alertmanager", "grafana", "pagerduty", "opsgenie"], sources);
        var list = samples.GetProperty("samples").EnumerateArray().ToList();
        // Every registered source has a sample, the first is what the page renders on load.
        Assert.Equal(sources, list.Select(s => s.GetProperty("source").GetString()).Distinct());

        using var client = app.CreateClient();
        foreach (var sample in list)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/preview")
            {
                Content = SourceTestApp.Json(Encoding.UTF8.GetBytes(sample.GetProperty("body").GetString()!)),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{sample.GetProperty("id")}: {text}");
            var preview = JsonDocument.Parse(text).RootElement;
            Assert.Equal(sample.GetProperty("source").GetString(), preview.GetProperty("source").GetString());
            Assert.NotEmpty(preview.GetProperty("alerts").EnumerateArray());
            Assert.Equal(JsonValueKind.Object, preview.GetProperty("slack").ValueKind);
        }
        // One sample is a note, so the page shows a thread reply.
        Assert.Contains(list, s => s.GetProperty("id").GetString()!.EndsWith("-note", StringComparison.Ordinal));
    }

    /// <summary>Maps whose keys are the sender's own (labels, details…): their members are data, not shape.</summary>
    private static readonly HashSet<string> FreeMaps =
        ["labels", "annotations", "groupLabels", "commonLabels", "commonAnnotations", "values", "details"];

    [Theory]
    [MemberData(nameof(Samples))]
    public void EverySampleHasOnlyMembersTheSourcesRealFixturesHave(string id, string source)
    {
        var sample = PlaygroundSample.All.Single(s => s.Id == id);
        var known = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fixture in SharedFixtures.Files("webhooks/" + source))
        {
            try
            {
                known.UnionWith(Paths(JsonDocument.Parse(SharedFixtures.Read((string)fixture[0])).RootElement, ""));
            }
            catch (JsonException)
            {
                // A raw signed body or a request log: not a body shape.
            }
        }

        var invented = Paths(JsonDocument.Parse(sample.Body).RootElement, "").Where(p => !known.Contains(p)).ToList();

        Assert.True(invented.Count == 0, $"{id} has members no {source} fixture has: {string.Join(", ", invented)}");
    }

    public static TheoryData<string, string> Samples()
    {
        var data = new TheoryData<string, string>();
        foreach (var sample in PlaygroundSample.All)
            data.Add(sample.Id, sample.Source);
        return data;
    }

    private static IEnumerable<string> Paths(JsonElement element, string prefix) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p =>
            FreeMaps.Contains(p.Name) ? [prefix + "." + p.Name] : Paths(p.Value, prefix + "." + p.Name).Prepend(prefix + "." + p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(item => Paths(item, prefix + "[]")),
        _ => [],
    };

    [GeneratedRegex("""(?:src|href)="(?<url>[^"]*)"?""")]
    private static partial Regex Reference();
}
