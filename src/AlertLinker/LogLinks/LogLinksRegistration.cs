using Microsoft.Extensions.Options;

namespace AlertLinker.LogLinks;

public static class LogLinksRegistration
{
    /// <summary>
    /// Binds and validates every <c>AlertLinker:LogLinks:&lt;name&gt;</c> entry (a bad entry stops start-up with all its
    /// problems listed, together with those of every other section) and registers the <see cref="LogLinkBuilder"/> that enrichment uses for each exemplar trace.
    /// </summary>
    public static IServiceCollection AddLogLinks(this IServiceCollection services, IConfiguration configuration)
    {
        var definitions = new List<LogLinkDefinition>();
        var errors = new List<string>();
        foreach (var section in configuration.GetSection(LogLinkOptions.SectionName).GetChildren())
        {
            LogLinkOptions options;
            try
            {
                options = section.Get<LogLinkOptions>() ?? new LogLinkOptions();
            }
            catch (InvalidOperationException e)
            {
                errors.Add($"{section.Path}: {e.Message} (Type must be Loki or UrlTemplate)");
                continue;
            }
            var problems = options.Validate(section.Path).ToList();
            errors.AddRange(problems);
            if (problems.Count == 0)
                definitions.Add(new LogLinkDefinition(section.Key, options));
        }
        if (errors.Count == 0)
        {
            services.AddSingleton(new LogLinkBuilder(definitions));
            return services;
        }
        // Reported on start with every other section's problems, rather than stopping registration at this one.
        services.AddOptions<LogLinkOptions>().ValidateOnStart();
        foreach (var error in errors)
            services.AddSingleton<IValidateOptions<LogLinkOptions>>(new ValidateOptions<LogLinkOptions>(Options.DefaultName, _ => false, error));
        services.AddSingleton<LogLinkBuilder>(_ => throw new OptionsValidationException(LogLinkOptions.SectionName, typeof(LogLinkOptions), errors));
        return services;
    }
}
