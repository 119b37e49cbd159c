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
    public RunbookTemplateContext(RunbookOptions options, CancellationToken cancellationToken)
    {
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

        // Evaluating strings as templates would run alert text as code; include is replaced by a folder-only one.
        BuiltinObject.Remove("include");
        if (BuiltinObject.TryGetValue("object", out var objectFunctions) && objectFunctions is ScriptObject functions)
        {
            functions.Remove("eval");
            functions.Remove("eval_template");
        }
        RootOutput = Output;
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
