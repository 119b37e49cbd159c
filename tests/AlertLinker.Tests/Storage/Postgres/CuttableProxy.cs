using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace AlertLinker.Tests.Storage.Postgres;

/// <summary>
/// A TCP forwarder on 127.0.0.1 in front of the test server, to stage a database outage without stopping the
/// server the other tests share: <see cref="Cut"/> drops every connection and refuses new ones (as a dead database
/// or a network partition would), <see cref="Restore"/> forwards again.
/// </summary>
internal sealed class CuttableProxy : IDisposable
{
    private readonly int _target;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<TcpClient, byte> _connections = new();
    private volatile bool _cut;

    public CuttableProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        // Threads of its own, not the thread pool: the tests that use it time out after 2 s, and in a full test run
        // the pool is shared with every other test (some open stores with synchronous I/O). On a fresh CI clone two
        // connects through the pool-driven forwarder timed out at start-up, which a real network path never does.
        Start(AcceptLoop);
    }

    public int Port { get; }

    public void Cut()
    {
        _cut = true;
        foreach (var connection in _connections.Keys)
            Close(connection);
    }

    public void Restore() => _cut = false;

    private static void Start(Action work) => new Thread(() => work()) { IsBackground = true, Name = "cuttable proxy" }.Start();

    private void AcceptLoop()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = _listener.AcceptTcpClient();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return; // Stopped.
            }
            if (_cut)
            {
                // Reset at once: the client sees a refused connection rather than a hang.
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }
            Forward(client);
        }
    }

    private void Forward(TcpClient client)
    {
        var server = new TcpClient();
        _connections[client] = 0;
        _connections[server] = 0;
        try
        {
            server.Connect(IPAddress.Loopback, _target);
        }
        catch (SocketException)
        {
            Close(client);
            Close(server);
            return;
        }
        // One thread per direction; whichever ends first (a cut, or one side hanging up) closes both, ending the other.
        Start(() => Pump(client, server));
        Start(() => Pump(server, client));
    }

    private void Pump(TcpClient from, TcpClient to)
    {
        try
        {
            from.GetStream().CopyTo(to.GetStream());
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Cut, or one side hung up: both sides are closed below.
        }
        finally
        {
            Close(from);
            Close(to);
        }
    }

    private void Close(TcpClient connection)
    {
        _connections.TryRemove(connection, out _);
        try
        {
            // Null once another path (a cut racing the forwarder's own close) has disposed it.
            if (connection.Client is { } socket)
                socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
        connection.Dispose();
    }

    public void Dispose()
    {
        _listener.Stop();
        Cut();
    }
}
