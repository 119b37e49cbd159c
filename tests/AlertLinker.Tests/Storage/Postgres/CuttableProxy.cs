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
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _cut;

    public CuttableProxy(int targetPort)
    {
        _target = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public void Cut()
    {
        _cut = true;
        foreach (var connection in _connections.Keys)
            Close(connection);
    }

    public void Restore() => _cut = false;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            if (_cut)
            {
                // Reset at once: the client sees a refused connection rather than a hang.
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }
            _ = Task.Run(() => ForwardAsync(client));
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var server = new TcpClient();
        _connections[client] = 0;
        _connections[server] = 0;
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            var (a, b) = (client.GetStream(), server.GetStream());
            await Task.WhenAny(a.CopyToAsync(b, _stop.Token), b.CopyToAsync(a, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut, or one side hung up: both sides are closed below.
        }
        finally
        {
            Close(client);
            Close(server);
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
        _stop.Cancel();
        _listener.Stop();
        Cut();
        _stop.Dispose();
    }
}
