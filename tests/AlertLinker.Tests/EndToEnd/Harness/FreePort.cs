using System.Net;
using System.Net.Sockets;

namespace AlertLinker.Tests.EndToEnd.Harness;

/// <summary>Free TCP ports on the loopback address only.</summary>
internal static class FreePort
{
    /// <summary>
    /// A port the OS just handed out on 127.0.0.1. The listener closes before the caller binds it, so another
    /// process could take it in between; the harness fails loudly (readiness timeout with the process output) if so.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
