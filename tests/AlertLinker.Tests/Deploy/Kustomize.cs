using System.Collections.Concurrent;
using Xunit.Sdk;
using YamlDotNet.RepresentationModel;

namespace AlertLinker.Tests.Deploy;

/// <summary>
/// The overlays of deploy/kubernetes rendered by <c>kubectl kustomize</c> (offline), once per test run, and the
/// objects in them.
/// </summary>
internal static class Kustomize
{
    public const string Sqlite = "deploy/kubernetes/overlays/sqlite";
    public const string Postgres = "deploy/kubernetes/overlays/postgres";

    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<YamlMappingNode>>> Rendered = new();

    /// <summary>kubectl on PATH, or null. Debian has no kubectl recent enough (kubernetes-client 1.20 bundles kustomize v2).</summary>
    public static string? Kubectl => DeployFiles.OnPath("kubectl");

    /// <summary>Why the kustomize tests cannot run here, or null.</summary>
    public static string? Missing => Kubectl is null
        ? "kubectl is not installed (it bundles kustomize; Debian's kubernetes-client 1.20 is too old for these kustomizations)"
        : null;

    public static IReadOnlyList<YamlMappingNode> Render(string overlay) =>
        Rendered.GetOrAdd(overlay, dir => new Lazy<IReadOnlyList<YamlMappingNode>>(() =>
        {
            var (exit, output, error) = DeployFiles.Run(Kubectl!, ["kustomize", DeployFiles.PathOf(dir)], TimeSpan.FromSeconds(60));
            if (exit != 0)
                throw new Xunit.Sdk.XunitException($"kubectl kustomize {dir} exited with {exit}:\n{error}");
            return DeployFiles.YamlDocuments(output);
        })).Value;

    public static IReadOnlyList<YamlMappingNode> OfKind(this IReadOnlyList<YamlMappingNode> objects, string kind) =>
        objects.Where(o => o.Get("kind").Text() == kind).ToList();

    public static YamlMappingNode Single(this IReadOnlyList<YamlMappingNode> objects, string kind) =>
        Assert.Single(objects.OfKind(kind));

    public static YamlMappingNode Named(this IReadOnlyList<YamlMappingNode> objects, string kind, string name) =>
        objects.OfKind(kind).SingleOrDefault(o => o.Text("metadata", "name") == name)
        ?? throw new Xunit.Sdk.XunitException($"no {kind} named {name} in the rendered objects");

    /// <summary>The one container of the Deployment.</summary>
    public static YamlNode Container(this IReadOnlyList<YamlMappingNode> objects) =>
        Assert.Single(objects.Single("Deployment").At("spec", "template", "spec", "containers").Items());

    /// <summary>The value of a container's plain <c>env</c> entry, or null.</summary>
    public static string? EnvValue(this YamlNode container, string name) =>
        container.Get("env").Items().FirstOrDefault(e => e.Text("name") == name)?.Get("value").Text();

    /// <summary>Where a volume of the pod is mounted in the container.</summary>
    public static string MountPath(this IReadOnlyList<YamlMappingNode> objects, string volume) =>
        objects.Container().At("volumeMounts").Items().Single(m => m.Text("name") == volume).Text("mountPath");
}

/// <summary>A fact that needs kubectl: skipped, with the reason, where it is not installed (and skippable from inside).</summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Xunit.Sdk.SkippableFactDiscoverer", "Xunit.SkippableFact")]
public sealed class KustomizeFactAttribute : FactAttribute
{
    public KustomizeFactAttribute()
    {
        if (Kustomize.Missing is { } reason)
            Skip = reason;
    }
}

/// <summary>A theory that needs kubectl: skipped, with the reason, where it is not installed (and skippable from inside).</summary>
[AttributeUsage(AttributeTargets.Method)]
[XunitTestCaseDiscoverer("Xunit.Sdk.SkippableTheoryDiscoverer", "Xunit.SkippableFact")]
public sealed class KustomizeTheoryAttribute : TheoryAttribute
{
    public KustomizeTheoryAttribute()
    {
        if (Kustomize.Missing is { } reason)
            Skip = reason;
    }
}
