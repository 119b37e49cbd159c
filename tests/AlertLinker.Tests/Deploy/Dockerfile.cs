using System.Text.Json;
using System.Text.RegularExpressions;

namespace AlertLinker.Tests.Deploy;

/// <summary>deploy/Dockerfile read into its stages and instructions (continuations joined, comments dropped).</summary>
internal sealed partial class Dockerfile
{
    public const string FilePath = "deploy/Dockerfile";

    public sealed record Instruction(string Keyword, string Arguments);

    public sealed record Stage(string Image, string? Name, IReadOnlyList<Instruction> Instructions)
    {
        public IEnumerable<string> All(string keyword) =>
            Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

        public string? Last(string keyword) => All(keyword).LastOrDefault();

        /// <summary>ENV pairs (<c>KEY=value</c>, several per line allowed).</summary>
        public IReadOnlyDictionary<string, string> Environment =>
            All("ENV").SelectMany(args => EnvPair().Matches(args))
                .ToDictionary(m => m.Groups["key"].Value, m => m.Groups["value"].Value.Trim('"'));

        /// <summary>The exec-form ENTRYPOINT (a JSON array).</summary>
        public IReadOnlyList<string> EntryPoint =>
            JsonSerializer.Deserialize<string[]>(Last("ENTRYPOINT") ?? throw new Xunit.Sdk.XunitException("no ENTRYPOINT"))!;
    }

    public required IReadOnlyList<Stage> Stages { get; init; }

    public Stage Runtime => Stages[^1];

    public static Dockerfile Read()
    {
        var stages = new List<Stage>();
        var logical = new List<string>();
        var current = "";
        foreach (var raw in DeployFiles.Read(FilePath).Split('\n'))
        {
            var line = raw.TrimEnd();
            if (current.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
                continue;
            if (line.EndsWith('\\'))
            {
                current += line[..^1] + " ";
                continue;
            }
            logical.Add(current + line);
            current = "";
        }
        string? image = null, name = null;
        var instructions = new List<Instruction>();
        foreach (var line in logical)
        {
            var parts = line.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
            var keyword = parts[0].ToUpperInvariant();
            var arguments = parts.Length > 1 ? parts[1].Trim() : "";
            if (keyword == "FROM")
            {
                if (image is not null)
                    stages.Add(new Stage(image, name, instructions));
                var from = FromLine().Match(arguments);
                image = from.Groups["image"].Value;
                name = from.Groups["name"].Success ? from.Groups["name"].Value : null;
                instructions = [];
            }
            else
            {
                instructions.Add(new Instruction(keyword, arguments));
            }
        }
        if (image is not null)
            stages.Add(new Stage(image, name, instructions));
        return new Dockerfile { Stages = stages };
    }

    [GeneratedRegex(@"^(?:--platform=\S+\s+)?(?<image>\S+)(?:\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromLine();

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    private static partial Regex EnvPair();
}
