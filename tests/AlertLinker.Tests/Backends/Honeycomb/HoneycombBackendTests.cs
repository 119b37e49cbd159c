using System.Text.Json;
using AlertLinker.Backends.Honeycomb;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace AlertLinker.Tests.Backends.Honeycomb;

public sealed class HoneycombBackendTests : IDisposable
{
    private const string Queries = "/1/queries/checkout";
    private const string Results = "/1/query_results/checkout";
    private readonly WireMockServer server = WireMockServer.Start();
    private readonly FakeTimeProvider time = new(BackendTestHost.Window.End);

    public void Dispose() => server.Stop();

    /// <summary>With the fake clock (polls wait for <see cref="AdvanceWhenPolled"/>), or the real one where the shared retry pipeline must back off.</summary>
    private BackendTestHost Host(bool fakeClock = true) =>
        new(BackendTestHost.Settings("hny",
            ("Type", "Honeycomb"), ("ApiUrl", server.LoopbackUrl()), ("Team", "acme"), ("Environment", "production"),
            ("Dataset", "checkout"), ("ApiKey", "hny-secret"), ("PollInterval", "00:00:01"), ("AttemptTimeout", "00:00:30")),
            time: fakeClock ? time : null);

    private static ResolvedAlert Checkout => BackendTestHost.Alert("checkout", BackendTestHost.Window);

    /// <summary>The slow query is q-slow, the errored one q-err; each gets its own result id.</summary>
    private void ServeQueries()
    {
        server.Given(Request.Create().WithPath(Queries).UsingPost().WithBody(new WildcardMatcher("*\"error\"*"))).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"q-err"}"""));
        server.Given(Request.Create().WithPath(Queries).UsingPost()).AtPriority(5)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"q-slow"}"""));
        server.Given(Request.Create().WithPath(Results).UsingPost().WithBody(new WildcardMatcher("*q-err*")))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"r-err","complete":false}"""));
        server.Given(Request.Create().WithPath(Results).UsingPost().WithBody(new WildcardMatcher("*q-slow*")))
            .RespondWith(Response.Create().WithStatusCode(201).WithBody("""{"id":"r-slow","complete":false}"""));
    }

    [Fact]
    public async Task ExemplarsComeFromPolledQueryResultsWithTheTeamKey()
    {
        ServeQueries();
        server.Given(Request.Create().WithPath(Results + "/r-slow").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(HoneycombParsingTests.Complete));
        server.Given(Request.Create().WithPath(Results + "/r-err").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""
                {"id":"r-err","complete":true,"data":{"results":[{"data":{"trace.trace_id":"e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1","MAX(duration_ms)":40}}]}}
                """));
        using var host = Host();

        var search = host.Backend("hny").FindExemplarsAsync(Checkout, CancellationToken.None);
        await AdvanceWhenPolled(search, polls: 2);
        var exemplars = await search;

        Assert.Equal(["4bf92f3577b34da66c7e6c5b1e3a2f1c", "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1", "5b8efff798038103d269b633813fc700"], exemplars.Select(e => e.TraceId));
        Assert.True(exemplars[1].Error);
        Assert.StartsWith("https://ui.honeycomb.io/acme/environments/production/trace?trace_id=4bf92f3577b34da66c7e6c5b1e3a2f1c&trace_start_ts=1795428000",
            exemplars[0].Link!.AbsoluteUri, StringComparison.Ordinal);
        Assert.All(server.LogEntries, e => Assert.Equal("hny-secret", e.RequestMessage.Headers!["X-Honeycomb-Team"].Single()));
        var created = server.RequestsTo(Queries).Select(e => JsonDocument.Parse(e.RequestMessage.Body!)).ToList();
        Assert.All(created, spec => Assert.Equal(1795428000, spec.RootElement.GetProperty("start_time").GetInt64()));
        Assert.All(created, spec => Assert.Equal("trace.trace_id", spec.RootElement.GetProperty("breakdowns")[0].GetString()));
        var errorFilters = created.SelectMany(spec => spec.RootElement.GetProperty("filters").EnumerateArray())
            .Where(f => f.GetProperty("column").GetString() == "error").ToList();
        Assert.Equal(JsonValueKind.True, Assert.Single(errorFilters).GetProperty("value").ValueKind);
        var result = JsonDocument.Parse(server.RequestsTo(Results)[0].RequestMessage.Body!).RootElement;
        Assert.True(result.GetProperty("disable_series").GetBoolean());
        Assert.Equal(10, result.GetProperty("limit").GetInt32());
    }

    [Fact]
    public async Task AResultIsPolledAgainUntilItIsComplete()
    {
        ServeQueries();
        server.Given(Request.Create().WithPath(Results + "/r-slow").UsingGet()).InScenario("slow").WillSetStateTo("done")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"r-slow","complete":false}"""));
        server.Given(Request.Create().WithPath(Results + "/r-slow").UsingGet()).InScenario("slow").WhenStateIs("done")
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(HoneycombParsingTests.Complete));
        server.Given(Request.Create().WithPath(Results + "/r-err").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"r-err","complete":true,"data":{"results":[]}}"""));
        using var host = Host();

        var search = host.Backend("hny").FindExemplarsAsync(Checkout, CancellationToken.None);
        await AdvanceWhenPolled(search, polls: 2);
        await AdvanceWhenPolled(search, polls: 4);
        var exemplars = await search;

        Assert.Equal(2, exemplars.Count);
        Assert.Equal(2, server.RequestsTo(Results + "/r-slow").Count);
    }

    [Fact]
    public async Task ANeverCompletingResultEndsWithTheBudget()
    {
        ServeQueries();
        server.Given(Request.Create().WithPath(Results + "/r-slow").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"r-slow","complete":false}"""));
        server.Given(Request.Create().WithPath(Results + "/r-err").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("""{"id":"r-err","complete":false}"""));
        using var host = Host();
        using var budget = new CancellationTokenSource();

        // The backend itself, not the cache wrapper (whose wait ends with the caller's token whatever the backend does).
        var search = host.Inner<HoneycombBackend>("hny").FindExemplarsAsync(Checkout, budget.Token);
        await AdvanceWhenPolled(search, polls: 2);
        await AdvanceWhenPolled(search, polls: 4, advance: false);
        await budget.CancelAsync();

        // Both searches wait for their next poll and the clock stands still: only the budget's token can end the wait.
        Assert.Same(search, await Task.WhenAny(search, Task.Delay(TimeSpan.FromSeconds(10))));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => search);
    }

    [Fact]
    public async Task TheRateLimitIsAClearFailure()
    {
        server.Given(Request.Create().WithPath(Queries).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithBody("""{"error":"rate limit exceeded"}"""));
        using var host = Host(fakeClock: false);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Backend("hny").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Contains("hny: /1/queries is rate limited (429); the Query Data API limits queries per team, links still work", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hny-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARejectedQueryCarriesHoneycombsReason()
    {
        server.Given(Request.Create().WithPath(Queries).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithBody("""{"error":"unknown column duration_ms"}"""));
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Backend("hny").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Contains("hny: /1/queries answered 400: unknown column duration_ms", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProxysEmptyArrayIsAnUnreadableAnswer()
    {
        server.Given(Request.Create().WithPath(Queries).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("[]"));
        using var host = Host();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => host.Backend("hny").FindExemplarsAsync(Checkout, CancellationToken.None));

        Assert.Contains("hny: /1/queries answered a body that is not the expected JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WholeTracesAreNotClaimed()
    {
        using var host = Host();
        var backend = host.Backend("hny");

        Assert.True(backend.Capabilities.ExemplarSearch);
        Assert.False(backend.Capabilities.FullTraces);
        Assert.Contains("no whole traces", backend.Capabilities.Limitation, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingTeamDatasetAndKeyAreReportedTogether()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            new BackendTestHost(BackendTestHost.Settings("hny", ("Type", "Honeycomb"), ("PollInterval", "00:00:00"))));

        Assert.Contains(error.Failures, f => f.Contains("Team is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("Dataset is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("ApiKey is required", StringComparison.Ordinal));
        Assert.Contains(error.Failures, f => f.Contains("PollInterval must be between", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, f => f.Contains("ApiUrl", StringComparison.Ordinal));
    }

    /// <summary>Waits (on real I/O, not on the poll timer) until the stand-in has seen the result polls, then (unless told not to) moves the clock one interval.</summary>
    private async Task AdvanceWhenPolled(Task search, int polls, bool advance = true)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (CreatedOrPolled() < polls && !search.IsCompleted)
            await Task.Delay(5, timeout.Token);
        // Both searches are now waiting for their next poll (or done).
        await Task.Delay(20, timeout.Token);
        if (advance)
            time.Advance(TimeSpan.FromSeconds(1));

        int CreatedOrPolled() => server.LogEntries.Count(e => e.RequestMessage.Path.StartsWith(Results, StringComparison.Ordinal));
    }
}
