using System.Text.Json;
using AlertLinker.Analysis;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Backends.Zipkin;

/// <summary>Zipkin's search answers whole traces: every one of them is profiled for "what the slow traces share", not only the picked exemplars.</summary>
public sealed class ZipkinSearchProfilesTests : IDisposable
{
    private readonly WireMockServer server = WireMockServer.Start();

    public void Dispose() => server.Stop();

    /// <summary>
    /// <c>GET /api/v2/traces</c> as zipkin2-api.yaml's ListOfTraces (<c>[[span…],…]</c>), spans in the v2 shape of the
    /// shared fixtures (<c>traceId</c>, <c>id</c>, <c>kind</c>, µs <c>timestamp</c>/<c>duration</c>, <c>localEndpoint</c>, <c>tags</c>).
    /// </summary>
    private static string Traces(params (long DurationMicros, string Region)[] traces)
    {
        var start = BackendTestHost.Window.Start.ToUnixTimeMilliseconds() * 1000 + 60_000_000;
        return JsonSerializer.Serialize(traces.Select((t, i) => new[]
        {
            new
            {
                traceId = $"{i + 1:x16}", id = $"{i + 1:x16}", kind = "SERVER", name = "get /checkout",
                timestamp = start + i * 1_000_000, duration = t.DurationMicros,
                localEndpoint = new { serviceName = "checkout", ipv4 = "10.0.0.1" },
                tags = new Dictionary<string, string> { ["http.path"] = "/checkout", ["cloud.region"] = t.Region },
            },
        }));
    }

    [Fact]
    public async Task EveryTraceTheSearchReturnedIsProfiledAndTheSlowRegionStandsOut()
    {
        var body = Traces((2_000_000, "eu-west-1"), (2_100_000, "eu-west-1"), (2_200_000, "eu-west-1"),
            (150_000, "us-east-1"), (160_000, "us-east-1"), (170_000, "eu-central-1"), (180_000, "us-east-1"));
        server.Given(Request.Create().WithPath("/api/v2/traces").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));
        using var host = new BackendTestHost(BackendTestHost.Settings("zipkin", ("Type", "Zipkin"), ("ApiUrl", server.LoopbackUrl()), ("AttemptTimeout", "00:00:30")));

        var exemplars = await host.Backend("zipkin").FindExemplarsAsync(BackendTestHost.Alert("checkout", BackendTestHost.Window), CancellationToken.None);

        var list = Assert.IsType<ExemplarList>(exemplars);
        Assert.Equal(3, list.Count);
        Assert.Equal(7, list.Profiles.Count);
        var pattern = Assert.Single(AttributePatterns.Find(list.Profiles));
        Assert.Equal("cloud.region = eu-west-1 in 3 of 3 slow traces, 0 of 4 others", pattern.Summary);
    }
}
