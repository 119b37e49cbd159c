using System.Globalization;
using Microsoft.Extensions.Options;

namespace AlertLinker.Storage;

/// <summary>
/// <c>AlertLinker notifications list [--failed]</c> and <c>AlertLinker notifications retry (--failed | ID…)</c>:
/// the backlog of the configured store, offline (the service need not run; if it does, its worker delivers what
/// was put back at its next poll). Configuration is read as the service reads it — appsettings*.json next to the
/// binary, <c>AlertLinker__…</c> environment variables, and <c>--AlertLinker:Storage:Path=…</c> style arguments.
/// Exit codes: 0 done, 1 something asked for was not done (an id not failed, no database), 2 usage or configuration.
/// </summary>
public static class NotificationsCommand
{
    public const int Done = 0;
    public const int NotDone = 1;
    public const int UsageError = 2;

    /// <summary>Most notifications one <c>list</c> prints; the summary line counts all of them.</summary>
    internal const int ListLimit = 500;

    private const int ErrorColumn = 120;

    internal const string Usage = """
        usage: AlertLinker notifications list [--failed] [--AlertLinker:Storage:Path=FILE]
               AlertLinker notifications retry (--failed | ID...) [--AlertLinker:Storage:Path=FILE]
          list           notifications not yet delivered (pending, in flight, failed), oldest first
          list --failed  only those that failed for good
          retry --failed put every failed notification back to pending (delivered by the running service)
          retry ID...    put these failed notifications back to pending
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (Parse(args) is not { } command)
        {
            await error.WriteLineAsync(Usage);
            return UsageError;
        }

        WebApplication app;
        StorageOptions storage;
        try
        {
            // The service's own configuration loading (same sources, same precedence), without starting anything.
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                Args = command.ConfigurationArgs,
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders();
            builder.Services.AddAlertStoreOnly();
            app = builder.Build();
            storage = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
                await error.WriteLineAsync(failure);
            return UsageError;
        }

        await using (app)
        {
            // Opening creates a database; a mistyped path must not answer "nothing failed".
            if (storage.Provider == StorageProvider.Sqlite && !File.Exists(storage.FullPath))
            {
                await error.WriteLineAsync($"no database at {storage.FullPath} (AlertLinker:Storage:Path); nothing to {command.Verb}");
                return NotDone;
            }

            IAlertStore store;
            try
            {
                store = app.Services.GetRequiredService<IAlertStore>();
            }
            catch (InvalidOperationException e)
            {
                await error.WriteLineAsync(e.Message);
                return NotDone;
            }

            await output.WriteLineAsync(storage.Provider == StorageProvider.Postgres
                ? "store PostgreSQL (AlertLinker:Storage:ConnectionString)"
                : $"store {storage.FullPath}");
            return command.Verb == "list"
                ? await ListAsync(store, command.FailedOnly, output, cancellationToken)
                : await RetryAsync(store, command.FailedOnly ? null : command.Ids, output, error, cancellationToken);
        }
    }

    private static async Task<int> ListAsync(IAlertStore store, bool failedOnly, TextWriter output, CancellationToken cancellationToken)
    {
        IReadOnlySet<NotificationState> states = failedOnly
            ? new HashSet<NotificationState> { NotificationState.Failed }
            : new HashSet<NotificationState> { NotificationState.Pending, NotificationState.InFlight, NotificationState.Failed };
        var records = await store.ListAsync(states, ListLimit, cancellationToken);
        var counts = await store.CountAsync(cancellationToken);

        if (records.Count > 0)
            await output.WriteLineAsync($"{"ID",-8} {"STATE",-10} {"SOURCE",-13} {"STATUS",-13} {"ATTEMPTS",8}  {"RECEIVED",-20}  GROUP  LAST ERROR");
        foreach (var r in records)
        {
            var error = r.LastError is null ? "" : "  " + OneLine(r.LastError);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{r.Id,-8} {StateName(r.State),-10} {r.Source,-13} {r.Status,-13} {r.Attempts,8}  {r.ReceivedAt.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}  {r.GroupKey}{error}"));
        }

        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{counts.Failed} failed, {counts.Pending} pending ({counts.InFlight} in flight)");
        if (counts.OldestPendingReceivedAt is { } oldest)
            summary += string.Create(CultureInfo.InvariantCulture, $"; oldest pending received {oldest.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        if (records.Count == ListLimit)
            summary += $"; showing the oldest {ListLimit}";
        await output.WriteLineAsync(summary);
        return Done;
    }

    private static async Task<int> RetryAsync(IAlertStore store, IReadOnlyCollection<long>? ids, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var result = await store.RetryFailedAsync(ids, cancellationToken);
        await output.WriteLineAsync(result.Requeued.Count == 0
            ? "nothing put back to pending"
            : $"put back to pending: {string.Join(", ", result.Requeued)} (the running service delivers them at its next poll)");
        if (result.Superseded.Count > 0)
            await output.WriteLineAsync(
                $"left failed, a later notification of the group was delivered or is in flight: {string.Join(", ", result.Superseded)}");
        if (result.NotFailed.Count > 0)
            await error.WriteLineAsync($"not failed (or not found), nothing changed: {string.Join(", ", result.NotFailed)}");
        return result.NotFailed.Count > 0 ? NotDone : Done;
    }

    internal static string StateName(NotificationState state) => state switch
    {
        NotificationState.InFlight => "in-flight",
        _ => state.ToString().ToLowerInvariant(),
    };

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= ErrorColumn ? line : string.Concat(line.AsSpan(0, ErrorColumn - 1), "…");
    }

    /// <summary>The verb, its flags and ids; everything else (<c>--Key=value</c> or <c>--Key value</c>) is configuration.</summary>
    internal static ParsedCommand? Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is not ("list" or "retry"))
            return null;
        var failedOnly = false;
        var ids = new List<long>();
        var configuration = new List<string>();
        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--failed")
                failedOnly = true;
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                configuration.Add(arg);
                if (!arg.Contains('=', StringComparison.Ordinal) && i + 1 < args.Count)
                    configuration.Add(args[++i]);
            }
            else if (long.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                ids.Add(id);
            else
                return null;
        }

        // list takes no ids; retry takes --failed or ids, not both and not neither.
        if (args[0] == "list" ? ids.Count > 0 : failedOnly == ids.Count > 0)
            return null;
        return new ParsedCommand(args[0], failedOnly, ids, [.. configuration]);
    }

    internal sealed record ParsedCommand(string Verb, bool FailedOnly, IReadOnlyList<long> Ids, string[] ConfigurationArgs);
}
