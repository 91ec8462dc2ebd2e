using System.Threading.Channels;

namespace Lamina.Agent.Runtime;

/// <summary>
/// Where a streamed response goes while the runtime writes it: the control channel reads the pieces and
/// sends each to the host at once. Bounded, so a runtime that writes faster than the host reads waits
/// (back pressure down to the runtime's socket). Once <see cref="Close"/> is called (the invoke ended, or
/// the host went away) further pieces are dropped.
/// </summary>
internal sealed class ResponseSink
{
    private readonly Channel<byte[]> _pieces = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });

    /// <summary>True once the runtime started a streamed answer (its pieces came through this sink).</summary>
    public bool Started { get; private set; }

    /// <summary>The control channel's side.</summary>
    public ChannelReader<byte[]> Reader => _pieces.Reader;

    /// <summary>Marks the answer as streamed (called before the first piece, even for an empty stream).</summary>
    public void Start() => Started = true;

    /// <summary>Passes one piece on; false when the sink is closed (the piece is dropped).</summary>
    public async ValueTask<bool> WriteAsync(byte[] piece, CancellationToken cancellationToken)
    {
        try
        {
            await _pieces.Writer.WriteAsync(piece, cancellationToken);
            return true;
        }
        catch (ChannelClosedException)
        {
            return false;
        }
    }

    /// <summary>No more pieces: the reader drains what is queued, later writes are dropped.</summary>
    public void Close() => _pieces.Writer.TryComplete();
}
