namespace AlertLinker.Storage;

/// <summary>The log lines both stores write alike (a pruned store, an unreadable row, a retry), with one id each.</summary>
internal static partial class StoreLog
{
    [LoggerMessage(EventId = 2002, Level = LogLevel.Information,
        Message = "Pruned {Keys} dedupe keys, {Delivered} delivered and {Failed} failed notifications")]
    public static partial void Pruned(ILogger logger, int keys, int delivered, int failed);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Notification {Id} cannot be read back ({Error}); marked failed")]
    public static partial void Unreadable(ILogger logger, long id, string error);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information,
        Message = "Put {Requeued} failed notifications back to pending ({Superseded} left failed: a later one of their group was delivered)")]
    public static partial void Requeued(ILogger logger, int requeued, int superseded);
}
