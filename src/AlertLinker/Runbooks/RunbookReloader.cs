using Microsoft.Extensions.Options;

namespace AlertLinker.Runbooks;

/// <summary>
/// Watches the runbook folder and reloads it into the renderer after changes settle. Editors write a file in
/// several steps, so reloads wait for a quiet <see cref="Debounce"/>. A folder that no longer parses is not taken:
/// the running set stays and the errors are logged with their file:line:col.
/// </summary>
internal sealed partial class RunbookReloader(
    ScribanRunbookRenderer renderer,
    IOptions<RunbookOptions> options,
    TimeProvider time,
    ILogger<RunbookReloader> logger) : IHostedService, IDisposable
{
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(500);

    private FileSystemWatcher? watcher;
    private ITimer? timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.ReloadOnChange)
            return Task.CompletedTask;
        timer = time.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        try
        {
            watcher = new FileSystemWatcher(renderer.Library.Directory, "*" + RunbookLoader.Extension)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                IncludeSubdirectories = false,
            };
            watcher.Changed += OnChange;
            watcher.Created += OnChange;
            watcher.Deleted += OnChange;
            watcher.Renamed += OnChange;
            watcher.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            // Out of inotify watches, read-only mounts…: templates still work, they just do not reload.
            LogWatchUnavailable(logger, renderer.Library.Directory, e.Message);
            watcher?.Dispose();
            watcher = null;
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        watcher?.Dispose();
        timer?.Dispose();
        watcher = null;
    }

    private void OnChange(object sender, FileSystemEventArgs e) => timer?.Change(Debounce, Timeout.InfiniteTimeSpan);

    internal void Reload()
    {
        var errors = new List<string>();
        try
        {
            var next = RunbookLoader.Load(renderer.Library.Directory, errors);
            if (errors.Count == 0)
            {
                renderer.Swap(next);
                return;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add(e.Message);
        }
        renderer.MarkStale(errors);
        LogReloadRejected(logger, string.Join(Environment.NewLine, errors));
    }

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Cannot watch {Directory} for runbook changes ({Reason}); templates will not reload")]
    private static partial void LogWatchUnavailable(ILogger logger, string directory, string reason);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Runbook templates changed but do not load; keeping the previous set:\n{Errors}")]
    private static partial void LogReloadRejected(ILogger logger, string errors);
}
