using Microsoft.Data.Sqlite;

namespace AlertLinker.Storage;

/// <summary>
/// Commands of one connection kept by their SQL text, so each statement is parsed and planned once, not at every
/// call: Microsoft.Data.Sqlite keeps a command's prepared statements while its text stays the same, but a new
/// command prepares again. Measured on a delivery backlog, preparing the delivery's statements anew was a visible
/// part of the writer thread's time (<c>sqlite3RunParser</c>, <c>yy_find_shift_action</c>, <c>keywordCode</c> among
/// its top symbols). Only for SQL whose text is a constant (values go in parameters), and only where the connection
/// is used by one thread at a time: on the writer thread or inside the store's gate.
/// </summary>
internal sealed class SqliteStatements(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>
    /// The command for <paramref name="sql"/>, its parameters cleared and its transaction set. Owned here: callers
    /// dispose its readers, never the command.
    /// </summary>
    public SqliteCommand For(string sql, SqliteTransaction? transaction = null)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }
        command.Parameters.Clear();
        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
            command.Dispose();
        _commands.Clear();
    }
}
