namespace Lamina.Registry;

/// <summary>
/// Where the registry keeps things under the data directory:
/// <code>
/// DATA/
///  ├─ lamina.db                     SQLite: repositories, links, manifests, tags, uploads
///  ├─ blobs/sha256/ab/abcdef…       each blob once, named by its digest, read-only once written
///  ├─ blobs/sha512/…
///  └─ uploads/UUID                  bytes of an upload in progress (deleted on commit or expiry)
/// </code>
/// </summary>
public sealed class RegistryPaths(string dataDir)
{
    public string DataDir { get; } = Path.GetFullPath(dataDir);
    public string Database => Path.Combine(DataDir, "lamina.db");
    public string Blobs => Path.Combine(DataDir, "blobs");
    public string Uploads => Path.Combine(DataDir, "uploads");
}
