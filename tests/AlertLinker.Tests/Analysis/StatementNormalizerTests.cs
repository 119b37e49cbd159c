using AlertLinker.Analysis;

namespace AlertLinker.Tests.Analysis;

public sealed class StatementNormalizerTests
{
    [Theory]
    [InlineData("SELECT price FROM prices WHERE id = 42", "SELECT price FROM prices WHERE id = ?")]
    [InlineData("SELECT * FROM t WHERE name = 'O''Brien' AND x = 'a\\'b'", "SELECT * FROM t WHERE name = ? AND x = ?")]
    [InlineData("SELECT * FROM t WHERE id IN (1, 2, 3, 4)", "SELECT * FROM t WHERE id IN (?)")]
    [InlineData("select * from t where id in ('a','b')", "select * from t where id in (?)")]
    [InlineData("SELECT * FROM t WHERE id IN ( 1 , 2 )", "SELECT * FROM t WHERE id IN (?)")]
    [InlineData("SELECT * FROM t WHERE id = $1 AND v > -3.25e-2", "SELECT * FROM t WHERE id = ? AND v > -?")]
    [InlineData("SELECT * FROM table1 t1 JOIN \"Table2\" ON t1.x = \"Table2\".y", "SELECT * FROM table1 t1 JOIN \"Table2\" ON t1.x = \"Table2\".y")]
    [InlineData("SELECT  *\n\tFROM t\r\n WHERE a = 0x1F  ", "SELECT * FROM t WHERE a = ?")]
    [InlineData("GET /orders/123e4567-e89b-12d3-a456-426614174000/items/7", "GET /orders/?/items/?")]
    [InlineData("GET /traces/4bf92f3577b34da6a3ce929d0e0e4736", "GET /traces/?")]
    [InlineData("HGET session:abc user_42", "HGET session:abc user_42")]
    [InlineData("", "")]
    public void LiteralsBecomePlaceholders(string text, string shape) =>
        Assert.Equal(shape, StatementNormalizer.Normalize(text));

    [Fact]
    public void StatementsThatDifferOnlyInLiteralsHaveTheSameShape() =>
        Assert.Equal(
            StatementNormalizer.Normalize("UPDATE stock SET n = n - 1 WHERE sku = 'A-17' AND shop IN (3, 4)"),
            StatementNormalizer.Normalize("UPDATE stock SET n = n - 12 WHERE sku = 'B-9'  AND shop IN (5)"));

    [Fact]
    public void AnUnterminatedStringDoesNotThrow() =>
        Assert.Equal("SELECT ?", StatementNormalizer.Normalize("SELECT 'abc"));
}
