using System.Globalization;
using System.Net;
using AlertLinker.Graphs;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Graphs;

public sealed class AlertGrapherTests : IDisposable
{
    private const string Expression = "histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket{service=\"checkout\"}[1m]))) > 0.5";
    private const string SeriesSide = "histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket{service=\"checkout\"}[1m])))";
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    private readonly WireMockServer prometheus = WireMockServer.Start();
    private readonly FakeTimeProvider time = new(Start.AddHours(1));
    private ServiceProvider? provider;

    public void Dispose()
    {
        provider?.Dispose();
        prometheus.Stop();
        prometheus.Dispose();
    }

    private static ResolvedAlert Alert(string? expression = Expression, IReadOnlyDictionary<string, string>? annotations = null) => new(
        new Alert
        {
            Fingerprint = "fp1",
            Status = AlertStatus.Firing,
            Name = "CheckoutLatencyHigh",
            StartsAt = Start.AddMinutes(6),
            Annotations = annotations ?? new Dictionary<string, string>(),
        },
        "checkout", null, new AlertWindow(Start, Start.AddMinutes(20)), expression);

    private static Task<IReadOnlyList<BackendSection>> Sections(params TraceSummary[] exemplars) =>
        Task.FromResult<IReadOnlyList<BackendSection>>(
        [
            new BackendSection("exemplars", "PrometheusExemplars", [], exemplars, BackendOutcome.Found, null),
            // Another backend's traces are not the expression's exemplars: not marked.
            new BackendSection("jaeger", "Jaeger", [], [new TraceSummary("ffffffff00000000", "checkout", null, Start.AddMinutes(9), null, false, null)], BackendOutcome.Found, null),
        ]);

    private void ServeMatrix(double high = 1.2)
    {
        var values = string.Join(",", Enumerable.Range(0, 201).Select(i =>
        {
            var at = Start.AddSeconds(i * 6).ToUnixTimeSeconds();
            var value = i is > 60 and < 140 ? high : 0.2;
            return string.Create(CultureInfo.InvariantCulture, $"[{at},\"{value}\"]");
        }));
        prometheus.Given(Request.Create().WithPath("/api/v1/query_range").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"service":"checkout"},"values":["""
                    + values + "]}]}}"));
    }

    [Fact]
    public async Task TheSeriesSideIsQueriedOverTheWindowWithAboutTwoHundredStepsAndDrawnWithTheExemplars()
    {
        ServeMatrix();
        var graphs = Graphs(("Graphs:PrometheusUrl", prometheus.Url + "/"));

        var graph = await graphs.DrawAsync(Alert(), Sections(
            new TraceSummary("4bf92f3577b34da6a3ce929d0e0e4736", "checkout", null, Start.AddMinutes(8), TimeSpan.FromSeconds(1.1), false, null)), CancellationToken.None);

        var request = Assert.Single(prometheus.LogEntries).RequestMessage;
        var query = QueryHelpers.ParseQuery(new Uri(request.AbsoluteUrl).Query);
        Assert.Equal(SeriesSide, query["query"].ToString());
        Assert.Equal(Start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), query["start"].ToString());
        Assert.Equal(Start.AddMinutes(20).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), query["end"].ToString());
        Assert.Equal("6s", query["step"].ToString());

        Assert.NotNull(graph);
        Assert.Null(graph.Note);
        using var bitmap = SKBitmap.Decode(graph.Png!.Value.ToArray());
        Assert.Equal((800, 400), (bitmap.Width, bitmap.Height));
        Assert.Contains("1 exemplar trace marked: 4bf92f35", graph.AltText, StringComparison.Ordinal);
        Assert.Contains("threshold > 0.5 s", graph.AltText, StringComparison.Ordinal);
        Assert.Equal("CheckoutLatencyHigh-firing.png", graph.FileName);
        Assert.StartsWith(prometheus.Url + "/graph?g0.expr=histogram_quantile", graph.Link!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Contains("g0.range_input=1200s", graph.Link.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutGraphsPrometheusUrlThePrometheusExemplarsBackendIsAsked()
    {
        ServeMatrix();
        var graphs = Graphs(
            ("Backends:jaeger:Type", "Jaeger"),
            ("Backends:jaeger:ApiUrl", "http://127.0.0.1:1/"),
            ("Backends:exemplars:Type", "PrometheusExemplars"),
            ("Backends:exemplars:ApiUrl", prometheus.Url + "/"),
            ("Backends:exemplars:UiUrl", "http://prometheus.example:9090/"),
            ("Backends:exemplars:Headers:X-Scope-OrgID", "team-a"));

        var graph = await graphs.DrawAsync(Alert(), Sections(), CancellationToken.None);

        Assert.NotNull(graph?.Png);
        Assert.Equal("team-a", Assert.Single(prometheus.LogEntries).RequestMessage.Headers!["X-Scope-OrgID"].Single());
        Assert.StartsWith("http://prometheus.example:9090/graph?", graph.Link!.AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrometheusDownIsOneNoteAndNoPicture()
    {
        var graphs = Graphs(("Graphs:PrometheusUrl", $"http://127.0.0.1:{AlertLinker.Tests.EndToEnd.Harness.FreePort.Next()}/"));

        var graph = await graphs.DrawAsync(Alert(), Sections(), CancellationToken.None);

        Assert.NotNull(graph);
        Assert.Null(graph.Png);
        Assert.Equal("no graph: Prometheus unreachable (connection refused)", graph.Note);
    }

    [Fact]
    public async Task AnExpressionWithoutSeriesIsANote()
    {
        prometheus.Given(Request.Create().WithPath("/api/v1/query_range").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"status":"success","data":{"resultType":"matrix","result":[]}}"""));

        var graph = await Graphs(("Graphs:PrometheusUrl", prometheus.Url!)).DrawAsync(Alert(), Sections(), CancellationToken.None);

        Assert.Equal("no graph: the expression has no series in 14:00–14:20 UTC, 20 min", graph?.Note);
    }

    [Fact]
    public async Task AQueryPrometheusRefusesIsANoteWithItsErrorType()
    {
        prometheus.Given(Request.Create().WithPath("/api/v1/query_range").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(400)
                .WithBody("""{"status":"error","errorType":"bad_data","error":"parse error at char 5: unexpected <EOF>"}"""));

        var graph = await Graphs(("Graphs:PrometheusUrl", prometheus.Url!)).DrawAsync(Alert("rate("), Sections(), CancellationToken.None);

        Assert.Equal("no graph: Prometheus refused the query (bad_data)", graph?.Note);
    }

    [Fact]
    public async Task AHangingPrometheusCostsNoMoreThanTheBudget()
    {
        prometheus.Given(Request.Create().WithPath("/api/v1/query_range").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(1500)).WithBody("{}"));
        using var budget = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var graph = await Graphs(("Graphs:PrometheusUrl", prometheus.Url!)).DrawAsync(Alert(), Sections(), budget.Token);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal("no graph: Prometheus did not answer within the enrichment budget", graph?.Note);
    }

    [Fact]
    public async Task AnAnswerLargerThanTheLimitIsRefusedNotRead()
    {
        prometheus.Given(Request.Create().WithPath("/api/v1/query_range").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(new string(' ', 40_000) + "{}"));

        var graph = await Graphs(("Graphs:PrometheusUrl", prometheus.Url!), ("Graphs:MaxResponseBytes", "16384"))
            .DrawAsync(Alert(), Sections(), CancellationToken.None);

        Assert.Equal("no graph: the query_range answer is larger than 16 KiB", graph?.Note);
    }

    [Fact]
    public async Task AnAlertWithoutAnExpressionHasNoGraphAndCostsNoQuery()
    {
        ServeMatrix();

        var graph = await Graphs(("Graphs:PrometheusUrl", prometheus.Url!)).DrawAsync(Alert(expression: null), Sections(), CancellationToken.None);

        Assert.Null(graph);
        Assert.Empty(prometheus.LogEntries);
    }

    [Fact]
    public async Task TheConfiguredAnnotationGivesTheExpressionWhenGeneratorUrlHasNone()
    {
        ServeMatrix();
        var graphs = Graphs(("Graphs:PrometheusUrl", prometheus.Url!), ("Graphs:ExpressionAnnotation", "expression"));

        var graph = await graphs.DrawAsync(Alert(null, new Dictionary<string, string> { ["expression"] = "up == 0" }), Sections(), CancellationToken.None);

        Assert.Equal("up == 0", graph?.Expression);
        Assert.Equal("up", QueryHelpers.ParseQuery(new Uri(Assert.Single(prometheus.LogEntries).RequestMessage.AbsoluteUrl).Query)["query"].ToString());
    }

    [Fact]
    public async Task NoPrometheusConfiguredMeansNoGraph()
    {
        var graph = await Graphs().DrawAsync(Alert(), Sections(), CancellationToken.None);

        Assert.Null(graph);
    }

    [Theory]
    [InlineData("Graphs:PrometheusUrl", "ftp://prometheus/", "AlertLinker:Graphs:PrometheusUrl must be an absolute http(s) URL")]
    [InlineData("Graphs:Points", "5", "Points")]
    public void BadOptionsFailAtStartUpNamingTheKey(string key, string value, string message)
    {
        var services = Services((key, value));
        using var built = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => built.GetRequiredService<IOptions<GraphOptions>>().Value);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private IAlertGraphs Graphs(params (string Key, string Value)[] settings)
    {
        provider?.Dispose();
        provider = Services(settings).BuildServiceProvider();
        return provider.GetRequiredService<IAlertGraphs>();
    }

    private ServiceCollection Services(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create("AlertLinker:" + s.Key, (string?)s.Value)))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(time);
        services.AddLogging();
        services.AddGraphs(configuration);
        return services;
    }
}
