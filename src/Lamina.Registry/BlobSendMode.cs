namespace Lamina.Registry;

/// <summary>How whole large blobs (GET without Range, at least 1 MiB, plain HTTP/1.1) leave the server.</summary>
public enum BlobSendMode
{
    /// <summary>
    /// <see cref="Copy"/> while few such downloads run at once (at most half the processors, at least one),
    /// <see cref="SendFile"/> beyond that. One client waits on its own CPU, so the server takes the copy onto
    /// itself; many clients compete for the CPU, so the server's cheapest path wins.
    /// </summary>
    Auto,

    /// <summary>
    /// sendfile(2) on a connection taken over from Kestrel: the least server CPU, but the client receives page-cache
    /// pages and the socket is closed after each blob.
    /// </summary>
    SendFile,

    /// <summary>
    /// Read into user-space buffers and written through Kestrel (the connection stays open): about twice the
    /// server CPU of <see cref="SendFile"/>, less of the client's.
    /// </summary>
    Copy,
}
