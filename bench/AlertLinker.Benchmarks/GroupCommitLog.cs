using System.Buffers;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace AlertLinker.Benchmarks;

/// <summary>
/// The least a durable 202 can cost: each payload is appended to one file, and one <c>fdatasync</c> per round makes
/// every payload queued meanwhile durable (group commit on a thread of its own). No database, no index, no dedupe.
/// The file is zero-filled up front and then overwritten in a circle, as SQLite reuses its WAL, so a round's sync
/// carries the payload's pages and not a growing file's metadata. <c>accept-bare --durable</c> puts it behind the
/// bare endpoint: that is the throughput the disk allows this benchmark, the ceiling for any store whose 202 means
/// "on disk".
/// </summary>
internal sealed partial class GroupCommitLog
{
    private readonly SafeFileHandle file;
    private readonly long size;
    private readonly Channel<(byte[] Payload, TaskCompletionSource Durable)> queue =
        Channel.CreateUnbounded<(byte[], TaskCompletionSource)>(new UnboundedChannelOptions { SingleReader = true });
    private long offset;

    /// <summary>The file both <c>accept-bare --durable</c> and <c>accept-intake</c> write in a circle: 256 MB.</summary>
    public const long BenchmarkSize = 256L << 20;

    public GroupCommitLog(string path, long size = BenchmarkSize)
    {
        this.size = size;
        file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        var zeros = new byte[1 << 20];
        for (long at = 0; at < size; at += zeros.Length)
            RandomAccess.Write(file, zeros, at);
        Sync();
        new Thread(Run) { IsBackground = true, Name = "group commit" }.Start();
    }

    /// <summary>Completes once <paramref name="payload"/> is on disk.</summary>
    public Task AppendAsync(byte[] payload)
    {
        var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        queue.Writer.TryWrite((payload, durable));
        return durable.Task;
    }

    private void Run()
    {
        var round = new List<(byte[] Payload, TaskCompletionSource Durable)>();
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        while (queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (queue.Reader.TryRead(out var item))
            {
                round.Add(item);
                buffer.Write(item.Payload);
            }
            try
            {
                if (offset + buffer.WrittenCount > size)
                    offset = 0;
                RandomAccess.Write(file, buffer.WrittenSpan, offset);
                offset += buffer.WrittenCount;
                Sync();
                foreach (var (_, durable) in round)
                    durable.SetResult();
            }
            catch (IOException e)
            {
                foreach (var (_, durable) in round)
                    durable.SetException(e);
            }
            round.Clear();
            buffer.Clear();
        }
    }

    private void Sync()
    {
        if (FileDataSync((int)file.DangerousGetHandle()) != 0)
            throw new IOException($"fdatasync failed: errno {Marshal.GetLastPInvokeError()}");
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FileDataSync(int fd);
}
