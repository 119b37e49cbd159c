using AlertLinker.Preview;
using Microsoft.Extensions.Options;

namespace AlertLinker.Tests.Preview;

public class PreviewGateTests
{
    [Fact]
    public void MoreThanMaxConcurrentPreviewsAreTurnedAwayUntilOneFinishes()
    {
        using var gate = new PreviewGate(Options.Create(new PreviewOptions { MaxConcurrent = 2 }));

        var first = gate.TryEnter();
        var second = gate.TryEnter();
        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(gate.TryEnter());

        first!.Dispose();
        first.Dispose(); // twice frees one slot, not two
        using var third = gate.TryEnter();
        Assert.NotNull(third);
        Assert.Null(gate.TryEnter());
        second!.Dispose();
    }
}
