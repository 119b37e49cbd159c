using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;

namespace AlertLinker.Runbooks;

/// <summary>
/// The sandbox one runbook renders in. Every value a template prints is escaped for the neutral <see cref="Markup"/>
/// here, in one place; only <see cref="TemplateMarkup"/> built by the helpers (links, escaped text, partials) is
/// written as is. Literal template text is the author's own markup and is written as is by Scriban.
/// </summary>
internal sealed class RunbookTemplateContext : TemplateContext
{
    /// <param name="strict">
    /// For <c>templates check</c>: a member of null (<c>alert.nosuch.deeper</c>) is an error instead of nothing, so an
    /// author learns of a typo before an alert renders an empty step. Production rendering stays relaxed: a label an
    /// alert lacks must not cost the on-call engineer the whole runbook.
    /// </param>
    public RunbookTemplateContext(RunbookOptions options, CancellationToken cancellationToken, bool strict = false)
        : base(SandboxedBuiltins)
    {
        this.strict = strict;
        EnableRelaxedMemberAccess = !strict;
        LoopLimit = options.LoopLimit;
        LoopLimitQueryable = options.LoopLimit;
        RecursiveLimit = options.RecursiveLimit;
        OutputLimit = options.MaxOutputChars;
        OnOutputLimit = ScriptLimitBehavior.Throw;
        LimitToString = options.MaxOutputChars;
        CancellationToken = cancellationToken;
        RegexTimeOut = TimeSpan.FromMilliseconds(100);
        // Templates see ScriptObjects only; this closes reflection on anything else that slips in. The one .NET
        // type left is the key/value pair of `for x in labels` (x.key, x.value).
        MemberFilter = member => member.DeclaringType is { IsGenericType: true } type
            && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>);
        TemplateLoader = null;
        NewLine = "\n";
        StrictVariables = false;

        RootOutput = Output;
    }

    private readonly bool strict;

    /// <summary>
    /// Scriban's builtins without the ones that evaluate text, made once and shared, read-only, by every render:
    /// building them is a good part of a context's cost, and nothing a template does writes to them.
    /// </summary>
    private static readonly ScriptObject SandboxedBuiltins = CreateSandboxedBuiltins();

    private static ScriptObject CreateSandboxedBuiltins()
    {
        var builtins = GetDefaultBuiltinObject();
        // Evaluating strings as templates would run alert text as code; include is replaced by a folder-only one.
        builtins.Remove("include");
        if (builtins.TryGetValue("object", out var objectFunctions) && objectFunctions is ScriptObject functions)
        {
            functions.Remove("eval");
            functions.Remove("eval_template");
        }
        // Shared between renders on many threads: no template may change a builtin for the others.
        foreach (var module in builtins.Values.OfType<ScriptObject>())
            module.IsReadOnly = true;
        builtins.IsReadOnly = true;
        return builtins;
    }

    /// <summary>
    /// Strict access fails on a member of null only: a key a model object lacks (<c>labels.cronjob</c> on an alert
    /// without that label) stays null, as templates test for it with <c>??</c> and <c>if</c>.
    /// </summary>
    protected override IObjectAccessor GetMemberAccessorImpl(object target) =>
        strict && target is ScriptObject && base.GetMemberAccessorImpl(target) is { } inner ? new MissingIsNull(inner) : base.GetMemberAccessorImpl(target)!;

    private sealed class MissingIsNull(IObjectAccessor inner) : IObjectAccessor
    {
        public int GetMemberCount(TemplateContext context, SourceSpan span, object target) => inner.GetMemberCount(context, span, target);

        public IEnumerable<string> GetMembers(TemplateContext context, SourceSpan span, object target) => inner.GetMembers(context, span, target);

        public bool HasMember(TemplateContext context, SourceSpan span, object target, string member) => inner.HasMember(context, span, target, member);

        public bool TryGetValue(TemplateContext context, SourceSpan span, object target, string member, out object? value)
        {
            if (!inner.TryGetValue(context, span, target, member, out value))
                value = null;
            return true;
        }

        public bool TrySetValue(TemplateContext context, SourceSpan span, object target, string member, object? value) =>
            inner.TrySetValue(context, span, target, member, value);

        public bool TryGetItem(TemplateContext context, SourceSpan span, object target, object index, out object? value) =>
            inner.TryGetItem(context, span, target, index, out value);

        public bool TrySetItem(TemplateContext context, SourceSpan span, object target, object index, object? value) =>
            inner.TrySetItem(context, span, target, index, value);

        public bool HasIndexer => inner.HasIndexer;

        public Type IndexType => inner.IndexType!;
    }

    /// <summary>The output the template writes to, kept to recover what was written before a limit stopped it.</summary>
    public IScriptOutput RootOutput { get; }

    public override TemplateContext Write(SourceSpan span, object? textAsObject) => textAsObject switch
    {
        null => this,
        TemplateMarkup markup => Write(markup.Text),
        _ => Write(Markup.Escape(ObjectToString(textAsObject) ?? "")),
    };
}
