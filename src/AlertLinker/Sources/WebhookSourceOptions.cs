using System.ComponentModel.DataAnnotations;

namespace AlertLinker.Sources;

/// <summary>Inbound auth and limits every webhook source shares (<c>AlertLinker:Sources:&lt;Source&gt;</c>).</summary>
public class WebhookSourceOptions
{
    /// <summary>Expected <c>Authorization: Bearer &lt;token&gt;</c>. A secret: never logged.</summary>
    public string? BearerToken { get; set; }

    public BasicAuthOptions BasicAuth { get; set; } = new();

    /// <summary>Accept unauthenticated calls. Off by default; start-up warns when on.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>Largest body accepted; larger ones get 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    public bool HasCredentials => !string.IsNullOrEmpty(BearerToken) || BasicAuth.IsConfigured;
}

public sealed class BasicAuthOptions
{
    public string? Username { get; set; }

    /// <summary>A secret: never logged.</summary>
    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);
}
