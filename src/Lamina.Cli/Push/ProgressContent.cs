using System.Net;

namespace Lamina.Cli.Push;

/// <summary>Streams a file as a request body, reporting the bytes written so far.</summary>
internal sealed class ProgressContent(Stream source, Action<long> progress) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        await SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = new byte[256 * 1024];
        long sent = 0;
        int n;
        while ((n = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            sent += n;
            progress(sent);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = source.CanSeek ? source.Length : -1;
        return source.CanSeek;
    }
}
