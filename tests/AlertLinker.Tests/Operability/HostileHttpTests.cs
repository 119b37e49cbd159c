using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using AlertLinker.Tests.EndToEnd;
using AlertLinker.Tests.TestSupport;
using Xunit.Abstractions;

namespace AlertLinker.Tests.Operability;

/// <summary>
/// Broken HTTP against the real Kestrel (TestServer does not parse chunked encoding): raw bytes over TCP to the
/// service started as a process, and what it answers and logs.
/// </summary>
public sealed class HostileHttpTests(HostileHttpTests.Service fixture, ITestOutputHelper output) : IClassFixture<HostileHttpTests.Service>
{
    private const string Token = "hostile-test-token";

    /// <summary>One service process for the class: every test sends it its own connections.</summary>
    public sealed class Service : IAsyncLifetime
    {
        internal AlertLinkerProcess Process { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            EndToEndBinaries.RequireService();
            var data = Directory.CreateTempSubdirectory("alertlinker-hostile-").FullName;
            using var start = new CancellationTokenSource(AlertLinkerProcess.StartTimeout);
            Process = await AlertLinkerProcess.StartAsync("alertlinker-hostile", new Dictionary<string, string>
            {
                ["Storage:Path"] = Path.Combine(data, "alertlinker.db"),
                ["Sources:Alertmanager:BearerToken"] = Token,
            }, start.Token);
        }

        public async Task DisposeAsync() => await Process.DisposeAsync();
    }

    private AlertLinkerProcess service => fixture.Process;

    private static string Head(string transfer) =>
        "POST /webhooks/alertmanager HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + $"Authorization: Bearer {Token}\r\nConnection: close\r\n{transfer}\r\n";

    /// <summary>Bodies Kestrel rejects while the app reads them, each with the status it must answer.</summary>
    public static readonly IReadOnlyList<(string Name, string Request, bool CloseEarly)> Broken =
    [
        ("chunk size zz", Head("Transfer-Encoding: chunked\r\n") + "zz\r\n{}\r\n0\r\n\r\n", false),
        ("chunk size 2^64-1", Head("Transfer-Encoding: chunked\r\n") + "ffffffffffffffff\r\n{}\r\n0\r\n\r\n", false),
        ("chunk without its CRLF", Head("Transfer-Encoding: chunked\r\n") + "2\r\n{}XX0\r\n\r\n", false),
        ("chunk extension garbage", Head("Transfer-Encoding: chunked\r\n") + "2;\u0001\r\n{}\r\n0\r\n\r\n", false),
        ("body shorter than its Content-Length", Head("Content-Length: 500\r\n") + "{\"alerts\":[", true),
        ("chunked body cut off", Head("Transfer-Encoding: chunked\r\n") + "40\r\n{\"alerts\":[", true),
    ];

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task ABrokenBodyGets400AndOneLogLineWithoutAStackTrace(int which)
    {
        var (name, request, closeEarly) = Broken[which];

        var status = await SendAsync(request, closeEarly, TimeSpan.FromSeconds(15));

        // A client that closed its side early may be gone before the answer: no answer (0) is then all it can get.
        Assert.True(status == 400 || (closeEarly && status == 0), $"{name}: HTTP {status}\n{service.Describe()}");
        if (status == 400)
            await Eventually.UntilAsync(() => service.Describe().Contains("Bad request POST /webhooks/alertmanager from 127.0.0.1: 400", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), "the bad request's log line");
        AssertNoStackTrace();
    }

    [Fact]
    public async Task ABodySlowerThanTheMinimumDataRateGets408()
    {
        // Kestrel's minimum: 240 bytes/s after a 5 s grace period. One byte a second stays far below it.
        using var client = new TcpClient();
        await client.ConnectAsync(service.BaseUrl.Host, service.BaseUrl.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(Head("Content-Length: 1000\r\n")));
        var clock = Stopwatch.StartNew();
        var response = ReadStatusAsync(stream);
        while (!response.IsCompleted && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                await stream.WriteAsync("{"u8.ToArray());
            }
            catch (IOException)
            {
                break; // the server gave up on us: its answer is being read
            }
            await Task.WhenAny(response, Task.Delay(1000));
        }

        Assert.Equal(408, await response.WaitAsync(TimeSpan.FromSeconds(10)));
        AssertNoStackTrace();
    }

    [Fact]
    public async Task TenThousandHostileRequestsGetNo500()
    {
        var random = new Random(20261206);
        var bodies = new[]
        {
            "{", "[]", "null", "{\"alerts\":null}", "{\"alerts\":[{}]}", "\"\u202Eevil\"", new string('[', 5000), "{\"version\":\"4\",\"alerts\":[{\"labels\":1}]}",
        };
        var requests = Enumerable.Range(0, 10_000).Select(i => (i % 4) switch
        {
            0 => Broken[random.Next(Broken.Count)],
            1 => ("json", Head($"Content-Length: {Encoding.UTF8.GetByteCount(bodies[i % bodies.Length])}\r\n") + bodies[i % bodies.Length], false),
            2 => ("chunked json", Head("Transfer-Encoding: chunked\r\n") + $"{Encoding.UTF8.GetByteCount(bodies[i % bodies.Length]):x}\r\n{bodies[i % bodies.Length]}\r\n0\r\n\r\n", false),
            _ => ("random chunk size", Head("Transfer-Encoding: chunked\r\n") + $"{RandomToken(random)}\r\n{{}}\r\n0\r\n\r\n", false),
        }).ToList();

        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        var unanswered = new System.Collections.Concurrent.ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        var next = -1;
        using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Count && !bounded.IsCancellationRequested)
            {
                var (_, request, closeEarly) = requests[i];
                var status = await SendAsync(request, closeEarly, TimeSpan.FromSeconds(15));
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status == 0 && !closeEarly)
                    unanswered.Add(requests[i].Item1);
            }
        })));
        output.WriteLine($"{statuses.Values.Sum()} requests in {clock.Elapsed.TotalSeconds:0.0} s: "
            + string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}")));

        Assert.Equal(requests.Count, statuses.Values.Sum());
        Assert.False(statuses.ContainsKey(500), $"{statuses.GetValueOrDefault(500)} requests got 500\n{service.Describe()}");
        Assert.All(statuses.Keys.Where(status => status != 0), status => Assert.InRange(status, 400, 499));
        Assert.True(unanswered.IsEmpty, $"{unanswered.Count} complete requests got no answer: {string.Join(", ", unanswered.Distinct())}");
        AssertNoStackTrace();
    }

    private static string RandomToken(Random random)
    {
        // Never a valid size (it starts with a non-hex character): a valid one would wait for its data until the 408.
        const string alphabet = "0123456789abcdefxyzF-; \t\"";
        return "xyz-;\""[random.Next(6)] + new string(Enumerable.Range(0, random.Next(0, 20)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }

    private void AssertNoStackTrace()
    {
        var log = service.Describe();
        Assert.DoesNotMatch(@"(?m)^\s+at \S+", log);
        Assert.DoesNotContain("An unhandled exception has occurred", log, StringComparison.Ordinal);
    }

    /// <summary>Sends raw bytes on a new connection and reads the status code of the answer (0: none).</summary>
    private async Task<int> SendAsync(string request, bool closeEarly, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync(service.BaseUrl.Host, service.BaseUrl.Port, deadline.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request), deadline.Token);
            if (closeEarly)
                client.Client.Shutdown(SocketShutdown.Send);
        }
        catch (IOException)
        {
            // Kestrel may answer and close before it read everything: the answer is still there to read.
        }
        return await ReadStatusAsync(stream).WaitAsync(deadline.Token);
    }

    private static async Task<int> ReadStatusAsync(NetworkStream stream)
    {
        var buffer = new byte[64];
        var read = 0;
        try
        {
            while (read < 12)
            {
                var n = await stream.ReadAsync(buffer.AsMemory(read));
                if (n == 0)
                    break;
                read += n;
            }
        }
        catch (IOException)
        {
            // Reset after the answer was sent: what was read counts.
        }
        var head = Encoding.ASCII.GetString(buffer, 0, read);
        return head.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && int.TryParse(head.AsSpan(9, 3), out var status) ? status : 0;
    }
}
