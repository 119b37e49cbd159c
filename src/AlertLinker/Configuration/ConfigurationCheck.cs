using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace AlertLinker.Configuration;

/// <summary>
/// The start-up check: every options class the service registered is built and validated (default and named
/// instances), every value is converted, and every problem is printed at once, one line each naming the full key —
/// then the process exits with <see cref="ExitCode"/> instead of an unhandled exception, a stack trace and SIGABRT.
/// Keys nothing reads are logged as warnings with the closest known key.
/// </summary>
public static partial class ConfigurationCheck
{
    /// <summary>The exit code of a configuration the service cannot start with (as for a usage error).</summary>
    public const int ExitCode = 2;

    /// <summary>Checks the built app's configuration; 0 when it can start, else <see cref="ExitCode"/> after printing the problems to <paramref name="error"/>.</summary>
    public static int Run(IServiceProvider services, IServiceCollection registrations, IConfiguration configuration, TextWriter error)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConfigurationCheck).FullName!);
        var (unknown, badValues) = ConfigurationKeys.Check(configuration);
        foreach (var key in unknown)
        {
            if (key.Suggestion is { } suggestion)
                LogUnknownKeyWithSuggestion(logger, key.Path, suggestion);
            else
                LogUnknownKey(logger, key.Path);
        }

        var problems = Problems(services, registrations, badValues);
        if (problems.Count == 0)
            return 0;
        // Flushes the console logger's queue (the warnings above) before the process ends.
        if (services is IAsyncDisposable disposable)
            disposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
        error.WriteLine($"AlertLinker cannot start: {problems.Count} configuration problem{(problems.Count == 1 ? "" : "s")} (fix them in appsettings.json or the AlertLinker__… environment variables):");
        foreach (var problem in problems)
            error.WriteLine("  " + problem);
        error.Flush();
        return ExitCode;
    }

    /// <summary>Every problem, values that do not convert first; each once.</summary>
    internal static IReadOnlyList<string> Problems(IServiceProvider services, IServiceCollection registrations, IReadOnlyList<string> badValues)
    {
        var problems = new List<string>(badValues);
        var badKeys = badValues.Select(p => p[..p.IndexOf(": ", StringComparison.Ordinal)]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var type in OptionsTypes(registrations))
        {
            foreach (var name in Names(services, type))
            {
                foreach (var problem in Validate(services, type, name))
                {
                    // The binder's "Failed to convert … at 'key'" repeats what the walk said better.
                    if (BinderKey().Match(problem) is { Success: true } m && badKeys.Contains(m.Groups[1].Value))
                        continue;
                    if (!problems.Contains(problem, StringComparer.Ordinal))
                        problems.Add(problem);
                }
            }
        }
        return problems;
    }

    /// <summary>The service's own options classes that something configures or validates.</summary>
    private static IEnumerable<Type> OptionsTypes(IServiceCollection registrations) => registrations
        .Select(d => d.ServiceType)
        .Where(t => t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IValidateOptions<>)
            || t.GetGenericTypeDefinition() == typeof(IConfigureOptions<>)
            || t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>)))
        .Select(t => t.GetGenericArguments()[0])
        .Where(t => t.Assembly == typeof(ConfigurationCheck).Assembly)
        .Distinct();

    /// <summary>The default instance and every named one bound to configuration.</summary>
    private static IEnumerable<string> Names(IServiceProvider services, Type type)
    {
        var sources = services.GetServices(typeof(IOptionsChangeTokenSource<>).MakeGenericType(type));
        var names = sources.Select(s => (string?)s?.GetType().GetProperty("Name")?.GetValue(s) ?? Options.DefaultName);
        return names.Prepend(Options.DefaultName).Distinct(StringComparer.Ordinal);
    }

    private static IEnumerable<string> Validate(IServiceProvider services, Type type, string name)
    {
        var monitor = services.GetRequiredService(typeof(IOptionsMonitor<>).MakeGenericType(type));
        try
        {
            monitor.GetType().GetMethod("Get", [typeof(string)])!.Invoke(monitor, [name]);
            return [];
        }
        catch (TargetInvocationException e) when (e.InnerException is OptionsValidationException invalid)
        {
            return invalid.Failures.Select(f => Keyed(type, f));
        }
        catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException binder)
        {
            return [binder.InnerException is { } inner ? $"{binder.Message} {inner.Message}" : binder.Message];
        }
    }

    /// <summary>A failure message that names its full key: the class's section and member, when the message did not say them.</summary>
    internal static string Keyed(Type type, string failure)
    {
        var section = type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string;
        if (DataAnnotation().Match(failure) is { Success: true } m)
            return Field(type, section, m.Groups["member"].Value, m.Groups["message"].Value);
        if (failure.StartsWith(ConfigurationKeys.Root + ":", StringComparison.OrdinalIgnoreCase) || section is null)
            return failure;
        if (Member().Match(failure) is { Success: true } g)
        {
            var message = g.Groups["message"].Value;
            return message.StartsWith(ConfigurationKeys.Root + ":", StringComparison.OrdinalIgnoreCase)
                ? message
                : Field(type, section, g.Groups["member"].Value, message);
        }
        return $"{section}: {failure}";
    }

    /// <summary>"The field [T.]Pad must be between …" of key K becomes "K must be between …"; other messages follow the key.</summary>
    private static string Field(Type type, string? section, string member, string message)
    {
        var key = section is null ? member : $"{section}:{member}";
        foreach (var field in new[] { $"The field {type.Name}.{member} ", $"The field {member} " })
        {
            if (message.StartsWith(field, StringComparison.Ordinal))
                return $"{key} {message[field.Length..]}";
        }
        return $"{key}: {message}";
    }

    // ValidateDataAnnotations: "DataAnnotation validation failed for 'T' members: 'M' with the error: 'E'."
    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<member>[^']*)' with the error: '(?<message>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotation();

    // [OptionsValidator] (attributes and IValidatableObject): "M: E".
    [GeneratedRegex(@"^(?<member>[A-Za-z]\w*): (?<message>.*)$", RegexOptions.Singleline)]
    private static partial Regex Member();

    [GeneratedRegex(@"at '([^']+)' to type")]
    private static partial Regex BinderKey();

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Configuration key {Key} is not read by AlertLinker (did you mean {Suggestion}?)")]
    private static partial void LogUnknownKeyWithSuggestion(ILogger logger, string key, string suggestion);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "Configuration key {Key} is not read by AlertLinker; check its spelling and section")]
    private static partial void LogUnknownKey(ILogger logger, string key);
}
