using System.Net.Http.Headers;
using AlertLinker.Http;
using Microsoft.Extensions.Options;
using Refit;

namespace AlertLinker.Sources.PagerDuty;

internal static class PagerDutyRegistration
{
    public const string ClientName = "source:pagerduty-rest";

    /// <summary>The PagerDuty webhook, <c>AlertLinker:Sources:PagerDuty</c>, and the REST client of the details look-up.</summary>
    public static IServiceCollection AddPagerDutySource(this IServiceCollection services)
    {
        services.AddWebhookSource<PagerDutyAlertSource, PagerDutyOptions>(PagerDutyParser.SourceName, PagerDutyOptions.SectionName)
            .Validate(o => o.ApiUrl.Scheme is "http" or "https",
                $"{PagerDutyOptions.SectionName}:ApiUrl must be an absolute http(s) URL.");
        services.AddHttpClient(ClientName, (sp, client) =>
            {
                var options = sp.GetRequiredService<IOptions<PagerDutyOptions>>().Value;
                client.BaseAddress = options.ApiUrl.AbsoluteUri.EndsWith('/') ? options.ApiUrl : new Uri(options.ApiUrl.AbsoluteUri + "/");
                client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                if (options.FetchesDetails)
                    client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Token token=" + options.ApiToken);
                // The resilience pipeline owns timeouts.
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .AddResilienceHandler(ClientName, (pipeline, context) =>
                OutboundResilience.Configure(pipeline, context.ServiceProvider.GetRequiredService<IOptions<PagerDutyOptions>>().Value.AttemptTimeout));
        services.AddSingleton(sp => RestService.For<IPagerDutyRestApi>(sp.GetRequiredService<IHttpClientFactory>().CreateClient(ClientName)));
        services.AddSingleton<PagerDutyDetails>();
        return services;
    }
}
