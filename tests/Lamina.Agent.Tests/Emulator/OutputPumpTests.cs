using System.IO.Pipes;
using System.Text;
using Lamina.Agent.Emulator;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>
/// Every pump reads into the poller's one shared buffer: pipes written at the same time, with lines that cross
/// read boundaries (each write larger than the buffer), still come out as their own lines, whole and in order.
/// </summary>
public sealed class OutputPumpTests : IDisposable
{
    private readonly string _log = Path.GetTempFileName();

    public void Dispose() => File.Delete(_log);

    [Fact]
    public async Task Pipes_sharing_one_read_buffer_keep_their_own_lines()
    {
        using var file = File.OpenHandle(_log, FileMode.Create, FileAccess.Write);
        var fd = (int)file.DangerousGetHandle();
        var poller = new OutputPoller(OutputSink.For(fd), OutputSink.For(fd));
        var names = new[] { "a", "b", "c" };
        var received = names.ToDictionary(n => n, _ => new List<string>());
        var pipes = new List<(string Name, AnonymousPipeServerStream Server, AnonymousPipeClientStream Writer)>();
        foreach (var name in names)
        {
            var server = new AnonymousPipeServerStream(PipeDirection.In);
            // The writer wraps the server's own client handle (no copy): disposing the writer is end of file.
            var writer = new AnonymousPipeClientStream(PipeDirection.Out, server.ClientSafePipeHandle);
            var lines = received[name];
            // Line callbacks run under the poller's lock: no other synchronisation needed for the lists.
            OutputPump.Start(poller, poller.Stdout, server.SafePipeHandle, line => lines.Add(Encoding.ASCII.GetString(line)));
            pipes.Add((name, server, writer));
        }

        // 40 lines of ~3 KiB per write, 30 writes per pipe: every read is cut mid-line by the 64 KiB buffer.
        static string Line(string name, int i) => $"{name} {i} " + new string(name[0], 3000 + i % 97);
        await Task.WhenAll(pipes.Select(p => Task.Run(() =>
        {
            for (var w = 0; w < 30; w++)
            {
                var text = string.Concat(Enumerable.Range(w * 40, 40).Select(i => Line(p.Name, i) + "\n"));
                p.Writer.Write(Encoding.ASCII.GetBytes(text));
            }
            p.Writer.Dispose();
        })));

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (poller.PumpCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.Equal(0, poller.PumpCount);
        foreach (var name in names)
        {
            Assert.Equal(Enumerable.Range(0, 1200).Select(i => Line(name, i)), received[name]);
        }
        Assert.Equal(names.Sum(n => received[n].Sum(l => l.Length + 1)), new FileInfo(_log).Length);
        foreach (var (_, server, _) in pipes)
        {
            server.Dispose();
        }
    }
}
