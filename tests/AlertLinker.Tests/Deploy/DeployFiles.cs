using System.Diagnostics;
using YamlDotNet.RepresentationModel;
using AlertLinker.Tests.TestSupport;

namespace AlertLinker.Tests.Deploy;

/// <summary>The files of <c>deploy/</c>, read and parsed (YAML through YamlDotNet, kustomize through kubectl).</summary>
internal static class DeployFiles
{
    public static string PathOf(string relative) => Path.Combine(SharedFixtures.FindRepoRoot(), relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Every YAML document of a text, as mappings (empty documents dropped).</summary>
    public static IReadOnlyList<YamlMappingNode> YamlDocuments(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    public static YamlMappingNode Yaml(string relative) => YamlDocuments(Read(relative)).Single();

    /// <summary>Runs a program to its end (bounded), returning its exit code and what it printed.</summary>
    public static (int ExitCode, string Output, string Error) Run(string fileName, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? SharedFixtures.FindRepoRoot(),
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish within {timeout.TotalSeconds} s");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The full path of a program on PATH, or null.</summary>
    public static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}

/// <summary>Navigation in parsed YAML that fails with the path it was looking for.</summary>
internal static class YamlNavigation
{
    public static YamlNode? Get(this YamlNode node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlNode At(this YamlNode node, params string[] path)
    {
        var current = node;
        foreach (var key in path)
            current = current.Get(key) ?? throw new Xunit.Sdk.XunitException($"'{string.Join('.', path)}' not found (missing '{key}')");
        return current;
    }

    public static string? Text(this YamlNode? node) => (node as YamlScalarNode)?.Value;

    public static string Text(this YamlNode node, params string[] path) =>
        node.At(path).Text() ?? throw new Xunit.Sdk.XunitException($"'{string.Join('.', path)}' is not a scalar");

    public static IReadOnlyList<YamlNode> Items(this YamlNode? node) =>
        node is YamlSequenceNode sequence ? sequence.Children.ToList() : [];

    public static IEnumerable<string> Keys(this YamlNode? node) =>
        node is YamlMappingNode map ? map.Children.Keys.Select(k => k.Text()!) : [];
}
