using AlertLinker.Pipeline;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Refit;

namespace AlertLinker.Slack;

public static class SlackRegistration
{
    /// <summary>
    /// The Slack sink as <see cref="IAlertSink"/>: options from <c>AlertLinker:Slack</c> checked at start-up, the Web API
    /// client (Refit) and the incoming-webhook client, each with a timeout and no retries of their own (the delivery
    /// worker retries by <see cref="DeliveryResult"/>), and a start-up log line naming the mode.
    /// </summary>
    public static IServiceCollection AddSlack(this IServiceCollection services)
    {
        services.AddOptions<SlackOptions>()
            .BindConfiguration(SlackOptions.SectionName)
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SlackOptions>, SlackOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SlackMessageBuilder>();
        services.TryAddSingleton<SlackRouter>();
        services.TryAddSingleton<SlackPace>();
        services.TryAddSingleton<SlackStorms>();
        services.TryAddSingleton<SlackStormThread>();
        services.TryAddSingleton<SlackPostIntents>();
        // AddAlertStore replaces this with the SQLite store (whichever of the two runs first).
        services.TryAddSingleton<ISlackMessageStore, InMemorySlackMessageStore>();
        services.TryAddSingleton<ISlackStormStore, InMemorySlackStormStore>();
        services.TryAddSingleton<ISlackChat>(sp => sp.GetRequiredService<IOptions<SlackOptions>>().Value.Mode == SlackMode.BotToken
            ? ActivatorUtilities.CreateInstance<SlackWebApiChat>(sp)
            : ActivatorUtilities.CreateInstance<SlackDryRunChat>(sp));

        // The sink is a singleton holding its client, so connections are recycled by the handler, not by the factory.
        services.AddRefitGeneratedClient<ISlackApi>(new RefitSettings(new SystemTextJsonContentSerializer(SlackJson.Options)))
            .ConfigureHttpClient((sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<SlackOptions>>().Value;
                client.BaseAddress = WithTrailingSlash(options.ApiUrl);
                client.Timeout = options.Timeout;
            })
            .ConfigurePrimaryHttpMessageHandler(NewHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.AddHttpClient(SlackSink.WebhookClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<SlackOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(NewHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // The default HttpClient logging writes the request URI; the webhook's path is its secret.
            .RemoveAllLoggers();

        services.TryAddSingleton<ISlackFiles>(sp => sp.GetRequiredService<IOptions<SlackOptions>>().Value.Mode == SlackMode.BotToken
            ? ActivatorUtilities.CreateInstance<SlackWebApiFiles>(sp)
            : ActivatorUtilities.CreateInstance<SlackDryRunFiles>(sp));
        services.TryAddSingleton<SlackGraphs>();
        services.AddHttpClient(SlackWebApiFiles.ClientName)
            .ConfigureHttpClient((sp, client) => client.Timeout = sp.GetRequiredService<IOptions<SlackOptions>>().Value.Timeout)
            .ConfigurePrimaryHttpMessageHandler(NewHandler)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            // upload_url is a signed URL: not for the log.
            .RemoveAllLoggers();

        services.AddSingleton<IAlertSink, SlackSink>();
        services.AddHostedService<SlackModeLog>();
        services.TryAddSingleton<SlackAuth>();
        services.AddHostedService<SlackAuthLog>();
        services.AddHealthChecks().AddCheck<SlackHealthCheck>("slack", tags: ["ready"]);
        return services;
    }

    private static SocketsHttpHandler NewHandler() => new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}

/// <summary>Says at start-up how messages will leave, so a missing token shows in the first lines of the log.</summary>
internal sealed class SlackModeLog(IOptions<SlackOptions> options, ILogger<SlackModeLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var slack = options.Value;
        switch (slack.Mode)
        {
            case SlackMode.BotToken:
                SlackLog.BotMode(logger, slack.Channel!, slack.ApiUrl);
                if (!SlackOptions.IsChannelId(slack.Channel))
                    SlackLog.ChannelByName(logger, slack.Channel!);
                if (slack.Routes.Count > 0)
                    SlackLog.Routes(logger, slack.Routes.Count, string.Join("; ", slack.Routes.Select(r => $"{r.Match} → {r.Channel}")));
                break;
            case SlackMode.IncomingWebhook:
                SlackLog.WebhookMode(logger);
                break;
            default:
                SlackLog.DryRunMode(logger);
                break;
        }
        if (slack.Mode != SlackMode.BotToken && !string.IsNullOrWhiteSpace(slack.Channel))
            SlackLog.ChannelIgnored(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
