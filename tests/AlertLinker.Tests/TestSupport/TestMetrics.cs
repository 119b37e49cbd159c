using System.Diagnostics.Metrics;
using AlertLinker.Operability;
using Microsoft.Extensions.DependencyInjection;

namespace AlertLinker.Tests.TestSupport;

public static class TestMetrics
{
    /// <summary>Metrics on a meter factory of their own, so tests can collect them without seeing each other's.</summary>
    public static (AlertLinkerMetrics Metrics, IMeterFactory Factory) Create()
    {
        var factory = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return (new AlertLinkerMetrics(factory), factory);
    }
}
