namespace AlertLinker.Runbooks;

/// <summary>
/// Text that is already neutral <see cref="Markup"/> (a link built by a helper, an included partial). The renderer
/// writes it as is; every other value a template prints is escaped. No public members: templates cannot look inside.
/// </summary>
internal sealed class TemplateMarkup(string text)
{
    internal string Text { get; } = text;

    public override string ToString() => Text;
}
