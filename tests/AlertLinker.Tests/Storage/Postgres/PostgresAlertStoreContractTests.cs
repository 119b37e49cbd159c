using AlertLinker.Storage;
using AlertLinker.Storage.Postgres;
using Microsoft.Extensions.Logging.Abstractions;

namespace AlertLinker.Tests.Storage.Postgres;

/// <summary>One test's storage on the shared server: a fresh schema in the test class' database.</summary>
internal sealed class PostgresTestDatabase(PostgresServer server, Type owner)
{
    public string Database { get; } = server.Database(owner);

    public string Schema { get; } = server.CreateSchema(server.Database(owner));

    public string ConnectionString => server.ConnectionString(Database, Schema);

    public PostgresStorageOptions Options(Action<PostgresStorageOptions>? configure = null)
    {
        var options = new PostgresStorageOptions { Provider = StorageProvider.Postgres, ConnectionString = ConnectionString, MaxPoolSize = 10 };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A store (one "replica") on this storage; retentions from <paramref name="retention"/> or the defaults.</summary>
    internal PostgresAlertStore Open(TimeProvider time, StorageOptions? retention = null, Action<PostgresStorageOptions>? configure = null) =>
        new(Microsoft.Extensions.Options.Options.Create(Options(configure)),
            Microsoft.Extensions.Options.Options.Create(retention ?? new StorageOptions()),
            time,
            NullLogger<PostgresAlertStore>.Instance);

    public object? Scalar(string sql) => PostgresServer.Scalar(ConnectionString, sql);
}

/// <summary>The store contract on a real PostgreSQL: the same tests the SQLite store passes.</summary>
[Collection(PostgresCollection.Name)]
[RequiresPostgres]
public sealed class PostgresAlertStoreContractTests(PostgresServer server) : AlertStoreContract
{
    private readonly Lazy<PostgresTestDatabase> _db = new(() => new PostgresTestDatabase(server, typeof(PostgresAlertStoreContractTests)));

    protected override IAlertStore OpenStore(TimeProvider time, StoreRetention? retention = null)
    {
        var options = new StorageOptions();
        options.DedupeRetention = retention?.DedupeRetention ?? options.DedupeRetention;
        options.DeliveredRetention = retention?.DeliveredRetention ?? options.DeliveredRetention;
        options.FailedRetention = retention?.FailedRetention ?? options.FailedRetention;
        return _db.Value.Open(time, options);
    }
}

/// <summary>The action group store contract on a real PostgreSQL, each "replica" a store of its own on one schema.</summary>
[Collection(PostgresCollection.Name)]
[RequiresPostgres]
public sealed class PostgresActionGroupStoreContractTests(PostgresServer server) : ActionGroupStoreContract
{
    private readonly Lazy<PostgresTestDatabase> _db = new(() => new PostgresTestDatabase(server, typeof(PostgresActionGroupStoreContractTests)));

    protected override (AlertLinker.Actions.IActionGroupStore Store, IDisposable Owner) OpenStore()
    {
        var owner = _db.Value.Open(Clock);
        return (new PostgresActionGroupStore(owner, Clock), owner);
    }
}
