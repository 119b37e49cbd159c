
namespace AlertLinker.Model;

/// <summary>The time range to look for traces in.</summary>
public sealed record AlertWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public TimeSpan Length => End - Start;
}

/// <summary>An alert with what we worked out of it: which service, which operation, which window, which PromQL.</summary>
public sealed record ResolvedAlert(
    Alert Alert,
    string? Service,
    string? Operation,
    AlertWindow Window,
    string? Expression);
