using Lamina.Oci;

namespace Lamina.Registry.Distribution;

public enum RouteKind { Base, Catalog, Manifest, Blob, Uploads, Upload, Tags, Referrers }

/// <summary>
/// A /v2/ path parsed into the resource it names. Repository names contain slashes
/// (<c>/v2/team/app/manifests/latest</c>), so the path is read from its end: the last one or two
/// segments say which resource, everything before them is the name. The name is validated here,
/// so no handler ever sees one that could escape a directory.
/// </summary>
public readonly record struct RegistryRoute(RouteKind Kind, string? Name, string? Reference)
{
    /// <summary>
    /// Parses the part of the path after <c>/v2/</c>. Returns false for paths that name no resource;
    /// <paramref name="nameInvalid"/> is true when the shape is right but the repository name is not.
    /// </summary>
    public static bool TryParse(string rest, out RegistryRoute route, out bool nameInvalid)
    {
        route = default;
        nameInvalid = false;
        if (rest.Length == 0) { route = new RegistryRoute(RouteKind.Base, null, null); return true; }
        if (rest is "_catalog") { route = new RegistryRoute(RouteKind.Catalog, null, null); return true; }

        var s = rest.Split('/');
        var n = s.Length;
        RouteKind kind;
        int nameSegments;
        string? reference;
        if (n >= 4 && s[n - 3] == "blobs" && s[n - 2] == "uploads")
        {
            // ".../blobs/uploads/" (start) or ".../blobs/uploads/<uuid>"
            (kind, nameSegments, reference) = s[n - 1].Length == 0 ? (RouteKind.Uploads, n - 3, null) : (RouteKind.Upload, n - 3, s[n - 1]);
        }
        else if (n >= 3 && s[n - 2] == "blobs" && s[n - 1] == "uploads") (kind, nameSegments, reference) = (RouteKind.Uploads, n - 2, null);
        else if (n >= 3 && s[n - 2] == "manifests") (kind, nameSegments, reference) = (RouteKind.Manifest, n - 2, s[n - 1]);
        else if (n >= 3 && s[n - 2] == "blobs") (kind, nameSegments, reference) = (RouteKind.Blob, n - 2, s[n - 1]);
        else if (n >= 3 && s[n - 2] == "tags" && s[n - 1] == "list") (kind, nameSegments, reference) = (RouteKind.Tags, n - 2, null);
        else if (n >= 3 && s[n - 2] == "referrers") (kind, nameSegments, reference) = (RouteKind.Referrers, n - 2, s[n - 1]);
        else return false;

        var name = string.Join('/', s, 0, nameSegments);
        if (!RepositoryName.IsValid(name)) { nameInvalid = true; return false; }
        route = new RegistryRoute(kind, name, reference);
        return true;
    }
}
