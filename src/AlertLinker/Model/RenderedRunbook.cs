namespace AlertLinker.Model;

/// <summary>A runbook template rendered for one alert. <see cref="Error"/> is set when the template failed; the alert is still delivered.</summary>
public sealed record RenderedRunbook(string Name, string Title, string Text, string? Error = null);
