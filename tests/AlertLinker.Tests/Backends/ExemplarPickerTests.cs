using AlertLinker.Backends;

namespace AlertLinker.Tests.Backends;

public sealed class ExemplarPickerTests
{
    private static TraceSummary Trace(string id, int ms, bool error = false) =>
        new(id, "svc", "op", null, TimeSpan.FromMilliseconds(ms), error, null);

    [Fact]
    public void SlowestAndErroredTakeTurns()
    {
        var picked = ExemplarPicker.Pick(
            [Trace("a", 100), Trace("b", 900), Trace("c", 50, error: true), Trace("d", 800), Trace("e", 10, error: true)],
            count: 3);
        Assert.Equal(["b", "c", "d"], picked.Select(t => t.TraceId));
    }

    [Fact]
    public void ATraceFoundTwiceIsShownOnceAndKeepsItsError()
    {
        var picked = ExemplarPicker.Pick([Trace("A", 900), Trace("a", 900, error: true), Trace("b", 100)], count: 5);
        Assert.Equal(2, picked.Count);
        Assert.True(picked[0].Error);
        Assert.Equal("b", picked[1].TraceId);
    }

    [Fact]
    public void WithoutErrorsTheSlowestFillEverySlot()
    {
        var picked = ExemplarPicker.Pick([Trace("a", 1), Trace("b", 3), Trace("c", 2), Trace("d", 4)], count: 3);
        Assert.Equal(["d", "b", "c"], picked.Select(t => t.TraceId));
    }

    [Fact]
    public void NothingInNothingOut() => Assert.Empty(ExemplarPicker.Pick([], 3));
}
