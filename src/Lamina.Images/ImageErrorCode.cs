namespace Lamina.Images;

/// <summary>Why a pull or an unpack was refused. One table; callers map these to their own API's errors once.</summary>
public enum ImageErrorCode
{
    /// <summary>The reference could not be parsed.</summary>
    InvalidReference,
    /// <summary>The registry answered 404 for the manifest or a blob.</summary>
    NotFound,
    /// <summary>The registry refused our credentials, or the token flow failed.</summary>
    Unauthorized,
    /// <summary>The registry could not be reached or answered with an unexpected status.</summary>
    RegistryUnavailable,
    /// <summary>A manifest or config is malformed, or an index has no linux/amd64 image.</summary>
    InvalidManifest,
    /// <summary>Content did not hash to its digest, or its size differs from its descriptor.</summary>
    DigestMismatch,
    /// <summary>A layer's uncompressed content did not hash to the diff_id in the image config.</summary>
    DiffIdMismatch,
    /// <summary>A layer or config media type we do not know how to read.</summary>
    UnsupportedMediaType,
    /// <summary>A layer's tar stream is malformed or truncated.</summary>
    InvalidLayer,
    /// <summary>A layer tried to write outside its snapshot, through a symlink, or used a forbidden entry.</summary>
    UnsafeLayer,
    /// <summary>A layer or image exceeds a size or compression-ratio limit.</summary>
    TooLarge,
}
