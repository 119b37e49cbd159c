using System.ComponentModel.DataAnnotations;
using AlertLinker.Backends.Datadog;
using AlertLinker.Backends.Honeycomb;
using AlertLinker.Backends.Jaeger;
using AlertLinker.Backends.Lightstep;
using AlertLinker.Backends.PrometheusExemplars;
using AlertLinker.Backends.Tempo;
using AlertLinker.Backends.Zipkin;
using AlertLinker.Http;
using AlertLinker.Pipeline;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Refit;

namespace AlertLinker.Backends;

/// <summary>
/// One backend type: its options, its Refit API and its backend class, built with the instance name, the API client
/// and the options (anything else the constructor takes comes from DI). The optional defaults of <c>Of</c> fill keys that
/// depend on other keys of the section (Datadog's URLs from its Site) before binding.
/// </summary>
internal sealed record BackendType(
    string Name,
    Type OptionsType,
    Action<IServiceCollection, string, IConfigurationSection, IReadOnlyDictionary<string, string?>> Register)
{
    public static BackendType Of<TOptions, TApi, TBackend>(
        string name, Func<IConfigurationSection, IEnumerable<(string Key, string? Value)>>? defaults = null)
        where TOptions : BackendOptions, new()
        where TApi : class
        where TBackend : ITraceBackend =>
        new(name, typeof(TOptions), (services, instance, section, configured) => BackendRegistration.AddBackend<TOptions, TApi>(
            services,
            instance,
            defaults is null ? section : SectionDefaults.With(section, defaults(section)),
            (sp, options, api) => ActivatorUtilities.CreateInstance<TBackend>(sp, instance, api, options),
            configured));
}

public static class BackendRegistration
{
    public const string SectionName = "AlertLinker:Backends";

    // A new backend is a new folder and one line here.
    private static readonly BackendType[] Types =
    [
        BackendType.Of<JaegerOptions, IJaegerApi, JaegerBackend>(JaegerBackend.TypeName),
        BackendType.Of<TempoOptions, ITempoApi, TempoBackend>(TempoBackend.TypeName),
        BackendType.Of<PrometheusExemplarsOptions, IPrometheusApi, PrometheusExemplarsBackend>(PrometheusExemplarsBackend.TypeName),
        BackendType.Of<ZipkinOptions, IZipkinApi, ZipkinBackend>(ZipkinBackend.TypeName),
        BackendType.Of<DatadogOptions, IDatadogApi, DatadogBackend>(DatadogBackend.TypeName, DatadogOptions.Defaults),
        BackendType.Of<LightstepOptions, ILightstepApi, LightstepBackend>(LightstepBackend.TypeName,
            _ => [("ApiUrl", LightstepOptions.DefaultApiUrl), ("UiUrl", LightstepOptions.DefaultUiUrl)]),
        BackendType.Of<HoneycombOptions, IHoneycombApi, HoneycombBackend>(HoneycombBackend.TypeName,
            _ => [("ApiUrl", HoneycombOptions.DefaultApiUrl), ("UiUrl", HoneycombOptions.DefaultUiUrl)]),
    ];

    /// <summary>The type names <c>Type</c> may have.</summary>
    public static IReadOnlyList<string> TypeNames => [.. Types.Select(t => t.Name)];

    /// <summary>The options class of a backend type (for the start-up check of configuration keys), or null when unknown.</summary>
    public static Type? OptionsTypeOf(string? typeName) =>
        Types.FirstOrDefault(t => string.Equals(t.Name, typeName, StringComparison.OrdinalIgnoreCase))?.OptionsType;

    /// <summary>
    /// Registers every configured backend. A section with problems registers no backend but its problems, as a
    /// failing validation of <see cref="BackendOptions"/> (checked on start, with all other options), so
    /// that every mistake of every section is reported together instead of the first one stopping registration.
    /// </summary>
    public static IServiceCollection AddTraceBackends(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        var sections = configuration.GetSection(SectionName).GetChildren().ToList();
        var configured = sections.ToDictionary(s => s.Key, s => s["Type"], StringComparer.OrdinalIgnoreCase);
        foreach (var section in sections)
        {
            var typeName = section["Type"];
            var type = Types.FirstOrDefault(t => string.Equals(t.Name, typeName, StringComparison.OrdinalIgnoreCase));
            if (type is null)
            {
                Reject(services, [string.IsNullOrWhiteSpace(typeName)
                    ? $"{section.Path}:Type is missing; set it to one of: {string.Join(", ", TypeNames)}"
                    : $"{section.Path}:Type is '{typeName}'; it must be one of: {string.Join(", ", TypeNames)}"]);
                continue;
            }
            type.Register(services, section.Key, section, configured);
        }
        services.AddSingleton<BackendDirectory>();
        return services;
    }

    /// <summary>
    /// The problems of one backend section, as failing validations of (unnamed) <see cref="BackendOptions"/>: checked
    /// on start (ValidateOnStart and the start-up check) together with every other section's problems.
    /// </summary>
    private static void Reject(IServiceCollection services, IReadOnlyList<string> problems)
    {
        services.AddOptions<BackendOptions>().ValidateOnStart();
        foreach (var problem in problems)
            services.AddSingleton<IValidateOptions<BackendOptions>>(new ValidateOptions<BackendOptions>(Options.DefaultName, _ => false, problem));
    }

    /// <summary>
    /// Binds and validates a backend's options, and registers its HTTP client (one resilience pipeline per backend:
    /// attempt timeout, retry on transient failures, circuit breaker) and its <see cref="ITraceBackend"/>.
    /// </summary>
    internal static void AddBackend<TOptions, TApi>(
        IServiceCollection services,
        string name,
        IConfigurationSection section,
        Func<IServiceProvider, TOptions, TApi, ITraceBackend> create,
        IReadOnlyDictionary<string, string?> configured)
        where TOptions : BackendOptions, new()
        where TApi : class
    {
        TOptions options;
        try
        {
            options = section.Get<TOptions>() ?? new TOptions();
        }
        catch (InvalidOperationException e)
        {
            // A value the binder cannot convert ('5 secs' for a duration): its message names the key, the inner one why.
            Reject(services, [e.InnerException is { } inner ? $"{e.Message} {inner.Message}" : e.Message]);
            return;
        }
        var problems = Problems(section.Path, options, configured);
        if (problems.Count > 0)
        {
            Reject(services, problems);
            return;
        }

        var clientName = "backend:" + name;
        services.AddHttpClient(clientName, client =>
            {
                client.BaseAddress = WithTrailingSlash(options.ApiUrl!);
                foreach (var (header, value) in options.Headers)
                    client.DefaultRequestHeaders.TryAddWithoutValidation(header, value);
                // The resilience pipeline owns timeouts.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler(clientName, pipeline => OutboundResilience.Configure(pipeline, options.AttemptTimeout));

        services.TryAddSingleton(sp => new BackendQueryCache(
            sp.GetRequiredService<IOptions<EnrichmentOptions>>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton<SearchedTraces>();
        services.AddSingleton<ITraceBackend>(sp =>
        {
            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient(clientName);
            // Storms: alerts asking the same backend the same question share one request and its answer.
            return new CachingTraceBackend(create(sp, options, RestService.For<TApi>(http)), sp.GetRequiredService<BackendQueryCache>());
        });
    }

    /// <summary>
    /// Every problem of one section, each naming its full key (<c>AlertLinker:Backends:tempo:DatasourceUid is required…</c>):
    /// attribute checks, the type's own checks, and references to other backends.
    /// </summary>
    internal static IReadOnlyList<string> Problems(string path, BackendOptions options, IReadOnlyDictionary<string, string?> configured)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var properties = options.GetType().GetProperties().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return
        [
            .. results.Select(r => r.MemberNames.FirstOrDefault() is { } member
                ? $"{path}:{member}: {r.ErrorMessage}"
                : $"{path}: {r.ErrorMessage}"),
            .. options.Validate().Concat(options.ValidateReferences(configured)).Select(message => Keyed(path, message, properties)),
        ];
    }

    /// <summary>"DatasourceUid is required" under the section becomes "&lt;section&gt;:DatasourceUid is required".</summary>
    private static string Keyed(string path, string message, IReadOnlySet<string> properties)
    {
        var firstWord = message.Split(' ', 2)[0];
        return properties.Contains(firstWord) ? $"{path}:{message}" : $"{path}: {message}";
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
