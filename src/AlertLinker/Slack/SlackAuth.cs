using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AlertLinker.Slack;

/// <summary>What Slack said of the bot token: accepted (with the workspace and bot user), refused (Slack's error), or not known.</summary>
internal sealed record SlackAuthState(bool? Accepted, string Detail, DateTimeOffset CheckedAt);

/// <summary>
/// Asks Slack's <c>auth.test</c> whether it takes the bot token, once at start-up and again, at most every
/// <see cref="RecheckAfter"/>, when <c>/readyz</c> asks after a refusal or an unreachable Slack. A refused token does
/// not stop the service: webhooks are still accepted and stored, and are delivered once the token is fixed.
/// </summary>
internal sealed class SlackAuth(ISlackApi api, IOptions<SlackOptions> options, TimeProvider time)
{
    public static readonly TimeSpan RecheckAfter = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim gate = new(1, 1);
    private SlackAuthState? last;

    public SlackAuthState? Last => Volatile.Read(ref last);

    /// <summary>The last answer if it was an acceptance or is recent; else asks Slack again.</summary>
    public async Task<SlackAuthState> CurrentAsync(CancellationToken cancellationToken)
    {
        if (Last is { } known && (known.Accepted == true || time.GetUtcNow() - known.CheckedAt < RecheckAfter))
            return known;
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (Last is { } fresh && (fresh.Accepted == true || time.GetUtcNow() - fresh.CheckedAt < RecheckAfter))
                return fresh;
            var state = await AskAsync(cancellationToken);
            Volatile.Write(ref last, state);
            return state;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<SlackAuthState> AskAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        try
        {
            using var response = await api.AuthTestAsync(options.Value.BotToken!.Trim(), cancellationToken);
            if (response.HasRequestError(out var requestError))
                return new SlackAuthState(null, SlackTransport.TransportFailure("Slack API", requestError.InnerException ?? requestError).Error!, now);
            return response.Content switch
            {
                { Ok: true } ok => new SlackAuthState(true, $"the bot token is accepted (workspace {ok.Team ?? ok.TeamId ?? "?"}, bot user {ok.User ?? "?"})", now),
                { Ok: false, Error: var error } => new SlackAuthState(false, $"Slack refuses the bot token ({error ?? "no error code"}); set AlertLinker:Slack:BotToken to the app's Bot User OAuth Token", now),
                _ => new SlackAuthState(null, $"Slack auth.test answered HTTP {(int?)response.StatusCode} without Slack JSON", now),
            };
        }
        catch (Exception exception) when (SlackTransport.IsTransport(exception, cancellationToken))
        {
            return new SlackAuthState(null, SlackTransport.TransportFailure("Slack API", exception).Error!, now);
        }
    }
}

/// <summary>Asks at start-up (in the background: a slow Slack does not hold up start) and logs the answer.</summary>
internal sealed class SlackAuthLog(SlackAuth auth, IOptions<SlackOptions> options, ILogger<SlackAuthLog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Mode != SlackMode.BotToken || !options.Value.VerifyTokenOnStart)
            return;
        var state = await auth.CurrentAsync(stoppingToken);
        switch (state.Accepted)
        {
            case true:
                SlackLog.TokenAccepted(logger, state.Detail);
                break;
            case false:
                SlackLog.TokenRefused(logger, state.Detail);
                break;
            default:
                SlackLog.TokenUnchecked(logger, state.Detail);
                break;
        }
    }
}

/// <summary>
/// <c>/readyz</c>'s "slack" entry. Degraded, not unhealthy, when Slack refuses the token or cannot be reached: the
/// service still accepts and keeps alerts (taking it out of a load balancer would lose them at the source).
/// </summary>
internal sealed class SlackHealthCheck(SlackAuth auth, IOptions<SlackOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (options.Value.Mode != SlackMode.BotToken)
            return HealthCheckResult.Healthy($"Slack mode {options.Value.Mode}: no token to check");
        if (!options.Value.VerifyTokenOnStart)
            return HealthCheckResult.Healthy("bot mode; the token is not checked (AlertLinker:Slack:VerifyTokenOnStart is false)");
        var state = await auth.CurrentAsync(cancellationToken);
        return state.Accepted == true ? HealthCheckResult.Healthy(state.Detail) : HealthCheckResult.Degraded(state.Detail);
    }
}
