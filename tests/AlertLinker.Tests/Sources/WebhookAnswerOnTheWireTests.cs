using System.Net.Sockets;
using System.Text;
using AlertLinker.Tests.TestSupport;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace AlertLinker.Tests.Sources;

/// <summary>The accept's 202 as Kestrel puts it on the wire (the in-memory test server would hide its framing).</summary>
public sealed class WebhookAnswerOnTheWireTests
{
    private const string Capture = "webhooks/alertmanager/am-0.25.0-captured-firing-bearer-truncated.json";

    [Fact]
    public async Task TheAcceptsAnswerGoesOutWithItsLengthAndNotChunked()
    {
        await using var app = new AlertLinkerApp(new Dictionary<string, string?> { ["urls"] = "http://127.0.0.1:0" });
        app.UseKestrel();
        app.StartServer();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        var body = SharedFixtures.ReadBytes(Capture);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", address.Port);
        var stream = tcp.GetStream();
        var head = "POST /webhooks/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                   $"Authorization: Bearer {AlertLinkerApp.BearerToken}\r\nContent-Type: application/json\r\n" +
                   $"Content-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        await stream.WriteAsync(body);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var raw = await reader.ReadToEndAsync();

        var split = raw.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var (headers, json) = (raw[..split], raw[(split + 4)..]);
        Assert.StartsWith("HTTP/1.1 202", headers);
        Assert.DoesNotContain("Transfer-Encoding", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"Content-Length: {Encoding.UTF8.GetByteCount(json)}\r\n", headers + "\r\n");
        Assert.Contains("Content-Type: application/json; charset=utf-8", headers);
        Assert.Matches("""^\{"notificationId":\d+,"accepted":2,"duplicates":0\}$""", json);
    }
}
