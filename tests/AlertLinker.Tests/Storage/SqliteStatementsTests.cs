using AlertLinker.Storage;
using Microsoft.Data.Sqlite;

namespace AlertLinker.Tests.Storage;

public sealed class SqliteStatementsTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly SqliteStatements _statements;

    public SqliteStatementsTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)";
        create.ExecuteNonQuery();
        _statements = new SqliteStatements(_connection);
    }

    [Fact]
    public void TheSameSqlGetsTheSameCommandBackWithItsEarlierParametersGone()
    {
        var first = _statements.For("INSERT INTO t (v) VALUES ($v)");
        first.Parameters.AddWithValue("$v", "one");
        first.ExecuteNonQuery();

        var again = _statements.For("INSERT INTO t (v) VALUES ($v)");
        Assert.Same(first, again);
        Assert.Empty(again.Parameters);
        again.Parameters.AddWithValue("$v", "two");
        again.ExecuteNonQuery();

        Assert.NotSame(first, _statements.For("SELECT count(*) FROM t"));
        Assert.Equal(new[] { "one", "two" }, Values());
    }

    [Fact]
    public void AReusedCommandRunsInTheTransactionItIsGivenAndOutsideOneAfterward()
    {
        const string insert = "INSERT INTO t (v) VALUES ($v)";
        using (var transaction = _connection.BeginTransaction())
        {
            var inside = _statements.For(insert, transaction);
            inside.Parameters.AddWithValue("$v", "rolled back");
            inside.ExecuteNonQuery();
            transaction.Rollback();
        }

        var outside = _statements.For(insert);
        Assert.Null(outside.Transaction);
        outside.Parameters.AddWithValue("$v", "kept");
        outside.ExecuteNonQuery();

        Assert.Equal(new[] { "kept" }, Values());
    }

    private List<string> Values()
    {
        var select = _statements.For("SELECT v FROM t ORDER BY id");
        using var reader = select.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
            values.Add(reader.GetString(0));
        return values;
    }

    public void Dispose()
    {
        _statements.Dispose();
        _connection.Dispose();
    }
}
