using AlertLinker.Preview;
using AlertLinker.Sources;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace AlertLinker.Cli;

/// <summary>The registered webhook sources without a host, to parse bodies given to <c>templates check --with</c>.</summary>
internal static class OfflineSources
{
    public static IReadOnlyList<IAlertSource> Registered()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Production, ApplicationName = "AlertLinker" });
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSources();
        // The sources live as long as the command; the provider holds nothing that needs disposing before exit.
        return services.BuildServiceProvider().GetServices<IAlertSource>().ToList();
    }

    /// <summary>Null and the notification, or why the body gives none. The source is told by shape, as the preview does.</summary>
    /// <remarks>A body the source ignores (a ping, a tag change) is no notification but no error either: null and null.</remarks>
    public static string? Parse(IReadOnlyList<IAlertSource> sources, string path, out AlertNotification? notification)
    {
        notification = null;
        byte[] body;
        try
        {
            body = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            return e.Message;
        }
        catch (UnauthorizedAccessException e)
        {
            return e.Message;
        }
        var source = new PreviewSources(sources).Detect(body);
        if (source is null)
            return "not a webhook body of any source";
        var parse = source.Parse(body, new HeaderDictionary(), DateTimeOffset.UtcNow);
        notification = parse.Notification;
        return parse.Error is { } error ? $"{source.Name}: {error}" : null;
    }
}
