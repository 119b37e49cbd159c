using AlertLinker.Backends;

namespace AlertLinker.Tests.Backends;

public sealed class TraceIdsTests
{
    [Theory]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAQ==", "00000000000000000000000000000001")]
    [InlineData("83A9EFD15C1C98A977E0711CC93EE28B", "83a9efd15c1c98a977e0711cc93ee28b")]
    [InlineData("d6e9329d67b6146a", "d6e9329d67b6146a")]
    [InlineData("EpTxMJ40fUus7aGY", "EpTxMJ40fUus7aGY")]
    public void IdsBecomeLowercaseHexWhereTheyAreTraceIds(string id, string expected) =>
        Assert.Equal(expected, TraceIds.Normalize(id));
}
