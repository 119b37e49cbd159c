using AlertLinker.Pipeline;
using AlertLinker.Resolution;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Resolution;

public sealed class AlertResolverTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 14, 17, 0, TimeSpan.Zero);

    private static AlertResolver Resolver(ServiceOptions? services = null, WindowOptions? window = null) =>
        new(Options.Create(services ?? new ServiceOptions()), Options.Create(window ?? new WindowOptions()));

    private static Alert AlertWith(Dictionary<string, string> labels, DateTimeOffset? endsAt = null, string? generatorUrl = null) => new()
    {
        Fingerprint = "f",
        Status = endsAt is null ? AlertStatus.Firing : AlertStatus.Resolved,
        Name = "HighLatency",
        Labels = labels,
        StartsAt = Start,
        EndsAt = endsAt,
        GeneratorUrl = generatorUrl,
    };

    [Fact]
    public void ServiceComesFromTheFirstLabelInTheDefaultPrecedence()
    {
        var alert = AlertWith(new() { ["job"] = "node", ["app"] = "web", ["service_name"] = "checkout" });

        Assert.Equal("checkout", Resolver().Resolve(alert, Now).Service);
    }

    [Fact]
    public void JobIsUsedWhenNoServiceLabelIsThere() =>
        Assert.Equal("api", Resolver().Resolve(AlertWith(new() { ["job"] = "api", ["app"] = "web" }), Now).Service);

    [Fact]
    public void AConfiguredPrecedenceReplacesTheDefault()
    {
        var resolver = Resolver(new ServiceOptions { LabelPrecedence = ["app"] });

        Assert.Equal("web", resolver.Resolve(AlertWith(new() { ["service"] = "checkout", ["app"] = "web" }), Now).Service);
    }

    [Fact]
    public void AliasesStandardizeServiceNamesCaseInsensitively()
    {
        var options = new ServiceOptions();
        options.Aliases["Checkout-SVC"] = "checkout";

        Assert.Equal("checkout", Resolver(options).Resolve(AlertWith(new() { ["service"] = "checkout-svc" }), Now).Service);
    }

    [Fact]
    public void NoServiceLabelMeansNoService() =>
        Assert.Null(Resolver().Resolve(AlertWith(new() { ["alertname"] = "X", ["service"] = "  " }), Now).Service);

    [Fact]
    public void OperationComesFromTheRouteLabel() =>
        Assert.Equal("/api/orders", Resolver().Resolve(AlertWith(new() { ["route"] = "/api/orders" }), Now).Operation);

    [Fact]
    public void AFiringAlertsWindowRunsFromLookbackBeforeItsStartToPadAfterNow()
    {
        var window = Resolver().Resolve(AlertWith([]), Now).Window;

        Assert.Equal(Start.AddMinutes(-15), window.Start);
        Assert.Equal(Now.AddMinutes(5), window.End);
    }

    [Fact]
    public void AResolvedAlertsWindowEndsPadAfterItsEnd()
    {
        var resolver = Resolver(window: new WindowOptions { Lookback = TimeSpan.FromMinutes(30), Pad = TimeSpan.FromMinutes(1) });

        var window = resolver.Resolve(AlertWith([], endsAt: Start.AddMinutes(3)), Now).Window;

        Assert.Equal(Start.AddMinutes(-30), window.Start);
        Assert.Equal(Start.AddMinutes(4), window.End);
    }

    [Theory]
    [InlineData("http://prometheus:9090/graph?g0.expr=pg_up+%3D%3D+0&g0.tab=1", "pg_up == 0")]
    [InlineData("http://prometheus:9090/graph?g0.expr=histogram_quantile%280.99%2C+rate%28x_bucket%5B5m%5D%29%29+%3E+0.5&g0.tab=1",
        "histogram_quantile(0.99, rate(x_bucket[5m])) > 0.5")]
    [InlineData("http://prometheus:9090/query?g0.expr=up+%3D%3D+0&g0.tab=0", "up == 0")]
    [InlineData("http://grafana:3000/alerting/grafana/abc/view", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void ThePromQlIsRecoveredFromTheGeneratorUrl(string? generatorUrl, string? expected) =>
        Assert.Equal(expected, AlertResolver.ExpressionOf(generatorUrl));
}
