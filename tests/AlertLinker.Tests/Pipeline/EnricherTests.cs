using System.Diagnostics.Metrics;
using AlertLinker.Backends;
using AlertLinker.Operability;
using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace AlertLinker.Tests.Pipeline;

public sealed class EnricherTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 14, 2, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider time = new(Start.AddMinutes(10));
    private readonly (AlertLinkerMetrics Metrics, IMeterFactory Factory) metrics = TestMetrics.Create();

    private static ResolvedAlert Alert(string? service = "inventory") => new(
        new Alert { Fingerprint = "f", Status = AlertStatus.Firing, Name = "Slow", StartsAt = Start },
        service, null, new AlertWindow(Start.AddMinutes(-15), Start.AddMinutes(20)), null);

    private Enricher EnricherOver(params ITraceBackend[] backends)
    {
        var services = new ServiceCollection();
        foreach (var backend in backends)
            services.AddSingleton(backend);
        var directory = new BackendDirectory(services.BuildServiceProvider());
        return new Enricher(directory, Options.Create(new EnrichmentOptions { Budget = TimeSpan.FromSeconds(5) }), time, metrics.Metrics, NullLogger<Enricher>.Instance);
    }

    [Fact]
    public async Task EachBackendContributesItsLinksAndExemplars()
    {
        var sections = await EnricherOver(FakeTraceBackend.Answering("jaeger", "abc", "def")).EnrichAsync(Alert(), CancellationToken.None);

        var section = Assert.Single(sections);
        Assert.Equal(BackendOutcome.Found, section.Outcome);
        Assert.Equal(["abc", "def"], section.Exemplars.Select(e => e.TraceId));
        Assert.Single(section.Links);
        Assert.Null(section.Note);
    }

    [Fact]
    public async Task ABackendWithoutExemplarSearchGivesLinksAndSaysWhy()
    {
        var backend = new FakeTraceBackend("lightstep", (_, _) => Task.FromResult<IReadOnlyList<TraceSummary>>([]))
        {
            Capabilities = new BackendCapabilities(ExemplarSearch: false, FullTraces: true, "Its public API has no trace search: links only."),
        };

        var section = Assert.Single(await EnricherOver(backend).EnrichAsync(Alert(), CancellationToken.None));

        Assert.Equal(BackendOutcome.LinksOnly, section.Outcome);
        Assert.Equal("Its public API has no trace search: links only.", section.Note);
        Assert.Single(section.Links);
        Assert.Equal(0, backend.Searches);
    }

    [Fact]
    public async Task ABackendWithoutFullTracesIsNotAskedForThem()
    {
        var backend = new FakeTraceBackend("honeycomb", (_, _) => Task.FromResult<IReadOnlyList<TraceSummary>>(
            [new("abc", "svc", "GET /", null, TimeSpan.FromMilliseconds(800), true, null)]))
        {
            Capabilities = new BackendCapabilities(ExemplarSearch: true, FullTraces: false),
        };

        var section = Assert.Single(await EnricherOver(backend).EnrichAsync(Alert(), CancellationToken.None));

        Assert.Equal(BackendOutcome.Found, section.Outcome);
        Assert.Empty(section.Analyses);
        Assert.Equal(0, backend.TraceFetches);
    }

    [Fact]
    public async Task TheSlowestExemplarIsFetchedWholeAndAnalysed()
    {
        var seed = Analysis.TraceBuilder.Seed();
        IReadOnlyList<TraceSummary> exemplars =
        [
            new("fast", "checkout-service", "GET /", null, TimeSpan.FromMilliseconds(20), false, null),
            new(seed.TraceId, "checkout-service", "GET /checkout", null, TimeSpan.FromMilliseconds(800), false, null),
        ];
        var backend = new FakeTraceBackend("jaeger", (_, _) => Task.FromResult(exemplars))
        {
            Traces = new Dictionary<string, Trace> { [seed.TraceId] = seed },
        };

        var section = Assert.Single(await EnricherOver(backend).EnrichAsync(Alert(), CancellationToken.None));

        var analysis = Assert.Single(section.Analyses);
        Assert.Equal(seed.TraceId, analysis.Exemplar.TraceId);
        Assert.Equal("SELECT stock", analysis.Insights.Culprit!.Span.Operation);
    }

    [Fact]
    public async Task ATraceThatThreeBackendsFoundIsFetchedAndAnalysedOnceAndListedOnceWithThreeLinks()
    {
        var seed = Analysis.TraceBuilder.Seed();
        var traces = new Dictionary<string, Trace> { [seed.TraceId] = seed };
        var found = new[] { "jaeger", "tempo", "zipkin" }
            .Select(name => new FakeTraceBackend(name, (_, _) => Task.FromResult<IReadOnlyList<TraceSummary>>(
                [new(seed.TraceId, "checkout-service", "GET /checkout", null, TimeSpan.FromMilliseconds(800), false, new Uri($"http://{name}.test/trace/{seed.TraceId}"))]))
            {
                Traces = traces,
            })
            .ToArray();

        var sections = await EnricherOver(found).EnrichAsync(Alert(), CancellationToken.None);

        Assert.Equal(1, found.Sum(b => b.TraceFetches));
        var insights = sections.Select(s => Assert.Single(s.Analyses).Insights).Distinct().ToList();
        Assert.Same(Assert.Single(insights), sections[0].Analyses[0].Insights);
        var trace = Assert.Single(new EnrichedAlert(Alert(), sections, []).Traces);
        Assert.Equal(["jaeger", "tempo", "zipkin"], trace.Links.Select(l => l.Backend));
        Assert.Equal($"http://zipkin.test/trace/{seed.TraceId}", trace.Links[2].Url!.AbsoluteUri);
        Assert.Equal("SELECT stock", trace.Insights!.Culprit!.Span.Operation);
    }

    [Fact]
    public async Task ATraceTheFirstBackendCannotServeIsFetchedFromTheNextThatFoundIt()
    {
        var seed = Analysis.TraceBuilder.Seed();
        IReadOnlyList<TraceSummary> exemplars = [new(seed.TraceId, "checkout-service", "GET /checkout", null, TimeSpan.FromMilliseconds(800), false, null)];
        var jaeger = new FakeTraceBackend("jaeger", (_, _) => Task.FromResult(exemplars));
        var tempo = new FakeTraceBackend("tempo", (_, _) => Task.FromResult(exemplars)) { Traces = new Dictionary<string, Trace> { [seed.TraceId] = seed } };

        var sections = await EnricherOver(jaeger, tempo).EnrichAsync(Alert(), CancellationToken.None);

        Assert.Equal((1, 1), (jaeger.TraceFetches, tempo.TraceFetches));
        Assert.All(sections, s => Assert.Equal(seed.TraceId, Assert.Single(s.Analyses).Exemplar.TraceId));
    }

    [Fact]
    public async Task ASlowBackendLosesOnlyItsOwnExemplarsWhenTheBudgetRunsOut()
    {
        var enricher = EnricherOver(FakeTraceBackend.Hanging("tempo"), FakeTraceBackend.Answering("jaeger", "abc"));
        using var searches = new MetricCollector<long>(metrics.Factory, AlertLinkerMetrics.MeterName, "alertlinker_backend_searches");

        var pending = enricher.EnrichAsync(Alert(), CancellationToken.None);
        await Task.Delay(50);
        Assert.False(pending.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(5));
        var sections = await pending.WaitAsync(TimeSpan.FromSeconds(10));

        var tempo = Assert.Single(sections, s => s.Backend == "tempo");
        Assert.Equal(BackendOutcome.TimedOut, tempo.Outcome);
        Assert.NotEmpty(tempo.Links);
        Assert.Contains("did not answer within 5 s", tempo.Note);
        Assert.Equal(BackendOutcome.Found, Assert.Single(sections, s => s.Backend == "jaeger").Outcome);
        Assert.Contains(searches.GetMeasurementSnapshot(), m => Equals(m.Tags["backend"], "tempo") && Equals(m.Tags["outcome"], "timed_out"));
    }

    [Fact]
    public async Task AFailingBackendGetsANoteWithoutSecretsAndKeepsItsLinks()
    {
        var failing = FakeTraceBackend.Failing("jaeger", new HttpRequestException("refused http://user:secret@jaeger/"));

        var section = Assert.Single(await EnricherOver(failing).EnrichAsync(Alert(), CancellationToken.None));

        Assert.Equal(BackendOutcome.Failed, section.Outcome);
        Assert.Contains("connection failed", section.Note);
        Assert.DoesNotContain("secret", section.Note);
        Assert.NotEmpty(section.Links);
    }

    [Fact]
    public async Task AnEmptySearchSaysHonestlyThatNoTracesWereFoundInTheWindow()
    {
        var section = Assert.Single(await EnricherOver(FakeTraceBackend.Answering("jaeger")).EnrichAsync(Alert(), CancellationToken.None));

        Assert.Equal(BackendOutcome.NothingFound, section.Outcome);
        Assert.Equal("No traces found for inventory in 13:47–14:22 UTC, 35 min; sampling or retention may have dropped them.", section.Note);
    }

    [Fact]
    public async Task WithoutAServiceTheNoteSaysNoServiceLabelWasFound()
    {
        var section = Assert.Single(await EnricherOver(FakeTraceBackend.Answering("jaeger")).EnrichAsync(Alert(service: null), CancellationToken.None));

        Assert.Contains("No service label", section.Note);
    }

    [Fact]
    public async Task CancellationByTheCallerIsNotDressedUpAsATimeout()
    {
        using var cancel = new CancellationTokenSource();
        var pending = EnricherOver(FakeTraceBackend.Hanging("tempo")).EnrichAsync(Alert(), cancel.Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }
}
