namespace AlertLinker.Storage;

/// <summary><c>AlertLinker:Storage:Provider</c>: which database holds the queue and the Slack message state.</summary>
public enum StorageProvider
{
    /// <summary>One SQLite file (<c>Storage:Path</c>): one process on one machine. The default.</summary>
    Sqlite,

    /// <summary>
    /// One PostgreSQL database (<c>Storage:ConnectionString</c>) shared by any number of replicas: claims, dedupe
    /// and Slack message state are in the database, so replicas agree on them.
    /// </summary>
    Postgres,
}
