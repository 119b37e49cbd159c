using AlertLinker.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AlertLinker.Tests.Operability;

public sealed class RegistrationTests
{
    [Fact]
    public async Task TheServiceRegistersOneClock()
    {
        var clocks = -1;
        await using var app = new AlertLinkerApp(configureServices: services => clocks = services.Count(d => d.ServiceType == typeof(TimeProvider)));
        using var client = app.CreateClient();

        Assert.Equal(1, clocks);
    }
}
