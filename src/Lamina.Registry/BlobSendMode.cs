namespace Lamina.Registry;

/// <summary>How whole large blobs (GET without Range, at least 1 MiB, plain HTTP/1.1) leave the server.</summary>
public enum BlobSendMode
{
    /// <summary>
    /// sendfile(2) on a connection taken over from Kestrel (the default): the least server CPU, but the skbs carry
    /// page-cache pages, the client's kernel pays more to receive them, and the socket is closed after each blob.
    /// </summary>
    SendFile,

    /// <summary>
    /// Read into user-space buffers and written through Kestrel (the connection stays open): less of the client's
    /// CPU, about 1.5–2× the server's of <see cref="SendFile"/>.
    /// </summary>
    Copy,

    /// <summary>
    /// <see cref="Copy"/> while few such downloads run at once (at most half the processors, at least one),
    /// <see cref="SendFile"/> beyond that: a lone client waits on its own CPU, many clients compete for all of it.
    /// </summary>
    Auto,
}
