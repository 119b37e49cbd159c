using System.ComponentModel.DataAnnotations;

namespace AlertLinker.Sources;

/// <summary>Inbound auth and limits every webhook source shares (<c>AlertLinker:Sources:&lt;Source&gt;</c>).</summary>
public class WebhookSourceOptions
{
    /// <summary>Expected <c>Authorization: Bearer &lt;token&gt;</c>. A secret: never logged.</summary>
    public string? BearerToken { get; set; }

    public BasicAuthOptions BasicAuth { get; set; } = new();

    /// <summary>
    /// Accept unauthenticated calls while no credentials are configured. A webhook source defaults to true in
    /// Development and false elsewhere (the preview to false); start-up warns when one is open. Configured credentials are always enforced, whatever this says.
    /// </summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>True when calls need no credentials: anonymous is allowed and none are configured.</summary>
    public bool AcceptsAnonymous => AllowAnonymous && !HasCredentials;

    /// <summary>Largest body accepted; larger ones get 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>True when some credential is configured; a source with its own scheme (signatures, a header) adds it.</summary>
    public virtual bool HasCredentials => !string.IsNullOrEmpty(BearerToken) || BasicAuth.IsConfigured;

    /// <summary>The keys that configure credentials for this source, for the start-up warning.</summary>
    public virtual string CredentialKeys => "BearerToken or BasicAuth";
}

public sealed class BasicAuthOptions
{
    public string? Username { get; set; }

    /// <summary>A secret: never logged.</summary>
    public string? Password { get; set; }

    public bool IsConfigured => !string.IsNullOrEmpty(Username) && !string.IsNullOrEmpty(Password);
}
