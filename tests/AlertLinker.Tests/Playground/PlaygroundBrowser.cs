using System.Security.Cryptography;
using AlertLinker.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AlertLinker.Tests.Playground;

/// <summary>
/// One service on a real 127.0.0.1 port and one headless Debian chromium for a whole test class (starting a browser
/// costs a second or two). The runbook folder is a copy of the repository's, so a test can prove nothing was written
/// to it. Playwright drives the system browser through ExecutablePath and downloads nothing; without chromium every
/// test of the class fails saying so, in CI as anywhere (.ci/run installs it).
/// </summary>
public sealed class PlaygroundBrowser : IAsyncLifetime
{
    private IPlaywright? playwright;

    public const string Username = "author";
    public const string Password = "playground-test-password";

    public AlertLinkerApp App { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>A copy of templates/runbooks the service loads.</summary>
    public string TemplatesDirectory { get; } = Directory.CreateTempSubdirectory("alertlinker-playground-templates-").FullName;

    /// <summary>Where screenshots go: beside the test assembly, so CI can keep them as artefacts.</summary>
    public static string ArtifactsDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "playground");

    public async Task InitializeAsync()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SharedFixtures.FindRepoRoot(), "templates", "runbooks")))
            File.Copy(file, Path.Combine(TemplatesDirectory, Path.GetFileName(file)));

        App = new AlertLinkerApp(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["AlertLinker:Runbooks:Directory"] = TemplatesDirectory,
            // Basic, as a browser user would have it: the browser sends it for the page, its assets and its fetches.
            ["AlertLinker:Preview:BasicAuth:Username"] = Username,
            ["AlertLinker:Preview:BasicAuth:Password"] = Password,
        });
        App.UseKestrel();
        App.StartServer();
        BaseUrl = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal));

        var chromium = ChromiumPath() ?? throw new InvalidOperationException(
            "No chromium to drive: the playground's browser tests need Debian's chromium (apt-get install chromium; .ci/run " +
            "installs it) at /usr/bin/chromium, on PATH, or named by ALERTLINKER_CHROMIUM.");
        // Playwright must not fetch a browser of its own: the system one is the one tested.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            // Root in a container has no user namespace for chromium's sandbox; the page is our own, on loopback.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-proxy-server"],
            Timeout = 30_000,
        });
    }

    /// <summary>
    /// A fresh page (own context: no state shared between tests) collecting script errors, with the preview's Basic
    /// credentials unless <paramref name="credentials"/> is false.
    /// </summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> OpenAsync(bool credentials = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = 1400, Height = 1100 },
            HttpCredentials = credentials ? new HttpCredentials { Username = Username, Password = Password } : null,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add("console error: " + message.Text);
        };
        return (context, page, errors);
    }

    /// <summary>Every file of the template folder with its content hash and write time: what "nothing written" compares.</summary>
    public IReadOnlyDictionary<string, string> TemplatesSnapshot() =>
        Directory.EnumerateFiles(TemplatesDirectory, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(
                file => Path.GetRelativePath(TemplatesDirectory, file),
                file => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))) + "@" + File.GetLastWriteTimeUtc(file).Ticks);

    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ArtifactsDirectory);
        var path = Path.Combine(ArtifactsDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    private static string? ChromiumPath()
    {
        if (Environment.GetEnvironmentVariable("ALERTLINKER_CHROMIUM") is { Length: > 0 } configured)
            return File.Exists(configured) ? configured : null;
        if (File.Exists("/usr/bin/chromium"))
            return "/usr/bin/chromium";
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "chromium"))
            .FirstOrDefault(File.Exists);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        playwright?.Dispose();
        if (App is not null)
            await App.DisposeAsync();
        Directory.Delete(TemplatesDirectory, recursive: true);
    }
}
