using System.Text.RegularExpressions;
using AlertLinker.Backends;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;
using Scriban.Runtime;
using Scriban.Syntax;

namespace AlertLinker.Runbooks;

/// <summary>
/// Renders the runbooks whose matchers fit an alert, in their order. Each render runs in its own sandbox
/// (<see cref="RunbookTemplateContext"/>) under loop, recursion, time and size limits; a template that fails
/// becomes a <see cref="RenderedRunbook"/> with <see cref="RenderedRunbook.Error"/> set, never an exception.
/// </summary>
internal sealed partial class ScribanRunbookRenderer : IRunbookRenderer
{
    private const string CutMarker = "\n…";

    private volatile RunbookLibrary library;
    private readonly RunbookOptions options;
    private readonly BackendDirectory backends;
    private readonly TimeProvider time;
    private readonly ILogger<ScribanRunbookRenderer> logger;

    public ScribanRunbookRenderer(
        IOptions<RunbookOptions> options,
        RunbookCatalog catalog,
        BackendDirectory backends,
        TimeProvider time,
        ILogger<ScribanRunbookRenderer> logger)
        : this(LoadValidated(options.Value, catalog), options.Value, backends, time, logger)
    {
    }

    internal ScribanRunbookRenderer(
        RunbookLibrary library,
        RunbookOptions options,
        BackendDirectory backends,
        TimeProvider time,
        ILogger<ScribanRunbookRenderer> logger,
        bool announce = true)
    {
        this.library = library;
        this.options = options;
        this.backends = backends;
        this.time = time;
        this.logger = logger;
        if (announce)
            LogLoaded(logger, library.Runbooks.Count, library.Partials.Count, library.Directory);
    }

    /// <summary>
    /// A renderer of <paramref name="other"/> under this one's sandbox limits and helpers, for one playground render:
    /// it is not the service's set, so loading it is not logged.
    /// </summary>
    internal ScribanRunbookRenderer With(RunbookLibrary other) => new(other, options, backends, time, logger, announce: false);

    public bool IsReady => true;

    private volatile IReadOnlyList<string> stale = [];

    public IReadOnlyList<string> StaleBecause => stale;

    /// <summary>The folder changed but does not load: the current set stays, and says why it is not the one on disk.</summary>
    internal void MarkStale(IReadOnlyList<string> errors) => stale = errors;

    internal RunbookLibrary Library => library;

    /// <summary>Puts a freshly loaded folder in place; renders already running finish with the old one.</summary>
    internal void Swap(RunbookLibrary next)
    {
        library = next;
        stale = [];
        LogLoaded(logger, next.Runbooks.Count, next.Partials.Count, next.Directory);
    }

    public IReadOnlyList<RenderedRunbook> Render(ResolvedAlert alert, IReadOnlyList<BackendSection> backendSections, IReadOnlyList<LogLink>? logLinks = null)
    {
        var labels = MatchLabels(alert);
        var current = library;
        var result = new List<RenderedRunbook>();
        foreach (var runbook in current.Runbooks)
        {
            if (!runbook.Matches(labels))
                continue;
            var rendered = RenderOne(current, runbook, alert, backendSections, logLinks);
            if (rendered.Error is not null)
                LogRenderFailed(logger, runbook.Path, alert.Alert.Fingerprint, rendered.Error);
            if (rendered.Error is not null || rendered.Text.Length > 0)
                result.Add(rendered);
        }
        return result;
    }

    /// <summary>
    /// The labels matchers see: the alert's labels, plus <c>alertname</c> (the alert's name, for sources without
    /// that label) and <c>service</c> as resolved (aliases applied), so <c>service="checkout"</c> means the service.
    /// </summary>
    internal static IReadOnlyDictionary<string, string> MatchLabels(ResolvedAlert alert)
    {
        var labels = new Dictionary<string, string>(alert.Alert.Labels, StringComparer.Ordinal);
        labels.TryAdd("alertname", alert.Alert.Name);
        if (!string.IsNullOrEmpty(alert.Service))
            labels["service"] = alert.Service;
        return labels;
    }

    /// <summary>
    /// <c>templates check</c>: one template against one sample, whatever its matchers say, in the same sandbox and
    /// under the same limits as production, with member access of null made an error.
    /// </summary>
    internal RenderedRunbook RenderStrict(RunbookTemplate runbook, ResolvedAlert alert, IReadOnlyList<BackendSection> backendSections) =>
        RenderOne(library, runbook, alert, backendSections, logLinks: null, strict: true);

    private RenderedRunbook RenderOne(
        RunbookLibrary current, RunbookTemplate runbook, ResolvedAlert alert, IReadOnlyList<BackendSection> backendSections,
        IReadOnlyList<LogLink>? logLinks, bool strict = false)
    {
        using var timeout = new CancellationTokenSource(options.RenderTimeout, time);
        var context = new RunbookTemplateContext(options, timeout.Token, strict);
        new RunbookFunctions(alert, backends.All, current.Partials, options.RecursiveLimit).BindTo(context);
        // The shared functions below the alert's model: what a template assigns goes into the model, this render's own.
        context.PushGlobal(RunbookFunctions.Shared);
        context.PushGlobal(RunbookModel.Build(alert, backendSections, logLinks));
        try
        {
            // Render hands back what was written and empties the output; RootOutput is only for the cut case.
            var text = runbook.Template.Render(context);
            return new RenderedRunbook(runbook.Name, runbook.Title, Tidy(text ?? ""));
        }
        catch (ScriptAbortException) when (timeout.IsCancellationRequested)
        {
            return Failed(runbook, $"took longer than {options.RenderTimeout.TotalMilliseconds:0} ms to render and was stopped");
        }
        catch (ScriptRuntimeException e) when (e.OriginalMessage.Contains("OutputLimit", StringComparison.Ordinal))
        {
            var partial = Cut(context.RootOutput.ToString() ?? "");
            return new RenderedRunbook(runbook.Name, runbook.Title, Tidy(partial) + CutMarker,
                $"output cut at {options.MaxOutputChars} characters (AlertLinker:Runbooks:MaxOutputChars)");
        }
        catch (ScriptRuntimeException e)
        {
            // The file name only: the note goes to Slack, the server's paths do not. The span names a partial when
            // the error is inside one.
            var file = Path.GetFileName(string.IsNullOrEmpty(e.Span.FileName) ? runbook.Path : e.Span.FileName);
            return Failed(runbook, $"{file}:{e.Span.Start.Line + 1}:{e.Span.Start.Column + 1}: {e.OriginalMessage}");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Helpers throw plain exceptions (a bad duration…); Scriban does not always wrap them.
            return Failed(runbook, $"{Path.GetFileName(runbook.Path)}: {e.Message}");
        }
    }

    private static RenderedRunbook Failed(RunbookTemplate runbook, string reason) =>
        new(runbook.Name, runbook.Title, "", $"Runbook '{runbook.Title}' could not be rendered: {reason}");

    private static RunbookLibrary LoadValidated(RunbookOptions options, RunbookCatalog catalog)
    {
        // options.Value ran the validators: the folder exists and every template parsed.
        var directory = options.ResolveDirectory(out _)
            ?? throw new OptionsValidationException(RunbookOptions.SectionName, typeof(RunbookOptions), ["runbook folder not found"]);
        var (library, errors) = catalog.Load(directory);
        return errors.Count == 0
            ? library
            : throw new OptionsValidationException(RunbookOptions.SectionName, typeof(RunbookOptions), errors);
    }

    /// <summary>Templates leave blank lines where their tags were; keep at most one, and no edges.</summary>
    private static string Tidy(string text) =>
        BlankLines().Replace(TrailingSpace().Replace(text, ""), "\n\n").Trim();

    /// <summary>
    /// Cuts what a runaway template wrote at a line end when there is one. The markup has no entities, and a link cut
    /// in half is plain text to every sink: the sink's own truncation is the only one that must mind its format.
    /// </summary>
    private static string Cut(string text)
    {
        var newline = text.LastIndexOf('\n');
        return newline > text.Length / 2 ? text[..newline] : text;
    }

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();

    [GeneratedRegex(@"[ \t]+(?=\n)")]
    private static partial Regex TrailingSpace();

    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Loaded {Runbooks} runbook templates and {Partials} partials from {Directory}")]
    private static partial void LogLoaded(ILogger logger, int runbooks, int partials, string directory);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Warning, Message = "Runbook {Runbook} failed for alert {Fingerprint}: {Reason}")]
    private static partial void LogRenderFailed(ILogger logger, string runbook, string fingerprint, string reason);
}
