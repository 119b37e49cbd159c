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
    Action<IServiceCollection, string, IConfigurationSection> Register)
{
    public static BackendType Of<TOptions, TApi, TBackend>(
        string name, Func<IConfigurationSection, IEnumerable<(string Key, string? Value)>>? defaults = null)
        where TOptions : BackendOptions, new()
        where TApi : class
        where TBackend : ITraceBackend =>
        new(name, (services, instance, section) => BackendRegistration.AddBackend<TOptions, TApi>(
            services,
            instance,
            defaults is null ? section : SectionDefaults.With(section, defaults(section)),
            (sp, options, api) => ActivatorUtilities.CreateInstance<TBackend>(sp, instance, api, options)));
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

    public static IServiceCollection AddTraceBackends(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        foreach (var section in configuration.GetSection(SectionName).GetChildren())
        {
            var typeName = section["Type"];
            var type = Types.FirstOrDefault(t => string.Equals(t.Name, typeName, StringComparison.OrdinalIgnoreCase))
                ?? throw new OptionsValidationException(section.Path, typeof(BackendOptions),
                    [$"{section.Path}:Type is '{typeName}'; it must be one of: {string.Join(", ", Types.Select(t => t.Name))}"]);
            type.Register(services, section.Key, section);
        }
        services.AddSingleton<BackendDirectory>();
        return services;
    }

    /// <summary>
    /// Binds and validates a backend's options, and registers its HTTP client (one resilience pipeline per backend:
    /// attempt timeout, retry on transient failures, circuit breaker) and its <see cref="ITraceBackend"/>.
    /// </summary>
    internal static void AddBackend<TOptions, TApi>(
        IServiceCollection services,
        string name,
        IConfigurationSection section,
        Func<IServiceProvider, TOptions, TApi, ITraceBackend> create)
        where TOptions : BackendOptions, new()
        where TApi : class
    {
        var options = section.Get<TOptions>() ?? new TOptions();
        ValidateOrThrow(section.Path, options);

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

    internal static void ValidateOrThrow(string path, BackendOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        var errors = results.Select(r => $"{path}: {r.ErrorMessage}")
            .Concat(options.Validate().Select(message => $"{path}: {message}"))
            .ToList();
        if (errors.Count > 0)
            throw new OptionsValidationException(path, options.GetType(), errors);
    }

    private static Uri WithTrailingSlash(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
