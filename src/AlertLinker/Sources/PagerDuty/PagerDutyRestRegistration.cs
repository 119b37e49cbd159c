using System.Net.Http.Headers;
using AlertLinker.Http;
using Microsoft.Extensions.Options;
using Refit;

namespace AlertLinker.Sources.PagerDuty;

internal static class PagerDutyRestRegistration
{
    public const string ClientName = "source:pagerduty-rest";

    public static IServiceCollection AddPagerDutyRestApi(this IServiceCollection services)
    {
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
