using AlertLinker.Storage;
using AlertLinker.Runbooks;

namespace AlertLinker.Cli;

/// <summary>
/// The offline commands, before any host is built: <c>--help</c>, <c>templates check</c>, <c>notifications …</c>.
/// Null when the arguments are the server's (serve is the default).
/// </summary>
public static class CommandLine
{
    public const string Usage = """
        Usage: AlertLinker [--Key=Value …]             serve: run the webhook service (the default)
               AlertLinker templates check [DIR] [--with BODY.json …]
                                                    render every runbook template in DIR (default: the configured
                                                    folder) against sample alerts of each source and the given
                                                    webhook bodies; exit 1 with file:line on any problem
               AlertLinker notifications list [--failed]
               AlertLinker notifications retry (--failed | ID…)
               AlertLinker --help | -h
        """;

    public static async Task<int?> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        switch (args)
        {
            case ["--help" or "-h" or "help", ..]:
                output.WriteLine(Usage);
                return 0;
            case ["templates", "check", .. var rest]:
                return TemplatesCheck(rest, output, error);
            case ["templates", ..]:
                error.WriteLine(args.Length == 1 ? "templates: which sub-command?" : $"templates: unknown sub-command '{args[1]}'");
                error.WriteLine(Usage);
                return 2;
            case ["notifications", ..]:
                return await NotificationsCommand.RunAsync(args[1..], output, error);
            default:
                return null;
        }
    }

    private static int TemplatesCheck(string[] args, TextWriter output, TextWriter error)
    {
        string? directory = null;
        var bodies = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--with")
            {
                if (i + 1 >= args.Length)
                {
                    error.WriteLine("templates check: --with needs a webhook body file");
                    return 2;
                }
                bodies.Add(args[++i]);
            }
            else if (directory is null && !args[i].StartsWith('-'))
                directory = args[i];
            else
            {
                error.WriteLine($"templates check: unexpected '{args[i]}'");
                error.WriteLine(Usage);
                return 2;
            }
        }

        var samples = SampleAlerts.BuiltIn().ToList();
        var problems = 0;
        if (bodies.Count > 0)
        {
            var sources = OfflineSources.Registered();
            foreach (var path in bodies)
            {
                if (OfflineSources.Parse(sources, path, out var notification) is { } reason)
                {
                    output.WriteLine($"{path}: {reason}");
                    problems++;
                    continue;
                }
                if (notification is null)
                    output.WriteLine($"{path}: the source asks nothing of Slack for this body; nothing to render");
                else
                    samples.AddRange(SampleAlerts.Samples(notification, SampleAlerts.Backends(), path));
            }
        }
        var exit = RunbookTemplateCheck.Run(directory, samples, output);
        return problems > 0 ? 1 : exit;
    }
}
