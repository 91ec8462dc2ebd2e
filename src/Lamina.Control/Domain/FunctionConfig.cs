using System.Text.Json.Serialization;

namespace Lamina.Control.Domain;

/// <summary>
/// One function version's configuration: <c>$LATEST</c> (mutable) or a published version (an immutable
/// snapshot taken by PublishVersion, with the image digest resolved at that time). Stored as JSON;
/// the API layer renders it as AWS's FunctionConfiguration.
/// </summary>
public sealed record FunctionConfig
{
    public const string Latest = "$LATEST";

    public required string FunctionName { get; init; }

    /// <summary><see cref="Latest"/> or a published version number ("1", "2", …).</summary>
    public string Version { get; init; } = Latest;

    public string Description { get; init; } = "";
    public required string Role { get; init; }
    public int MemorySize { get; init; } = 128;
    public int Timeout { get; init; } = 3;
    public int EphemeralStorage { get; init; } = 512;
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
    public ImageConfigSpec? ImageConfig { get; init; }
    public IReadOnlyList<string> Architectures { get; init; } = ["x86_64"];

    /// <summary>LoggingConfig; null means AWS's defaults (<see cref="FunctionLogging.Default"/>).</summary>
    public FunctionLogging? Logging { get; init; }

    /// <summary>The image reference as the user gave it (Code.ImageUri).</summary>
    public required string ImageUri { get; init; }

    /// <summary>The manifest digest the image resolved to ("sha256:…"); null until resolved.</summary>
    public string? ImageDigest { get; init; }

    public FunctionState State { get; init; } = FunctionState.Pending;
    public string? StateReason { get; init; }
    public string? StateReasonCode { get; init; }
    public LastUpdateStatus LastUpdateStatus { get; init; } = LastUpdateStatus.Successful;
    public string? LastUpdateStatusReason { get; init; }
    public string? LastUpdateStatusReasonCode { get; init; }

    public DateTimeOffset LastModified { get; init; }

    /// <summary>Changes with every write; callers may pass it back to refuse lost updates.</summary>
    public required string RevisionId { get; init; }

    /// <summary>"host/repository@sha256:…" of the resolved image (GetFunction's Code.ResolvedImageUri); null until resolved.</summary>
    public string? ResolvedImageUri { get; init; }

    /// <summary>While a code update is InProgress or after it Failed: the ImageUri the resolved image came from.</summary>
    public string? PreviousImageUri { get; init; }

    /// <summary>AWS reports an image function's CodeSha256 as the manifest digest's hex.</summary>
    [JsonIgnore]
    public string CodeSha256 => ImageDigest is null ? "" : ImageDigest[(ImageDigest.IndexOf(':', StringComparison.Ordinal) + 1)..];

    public static string NewRevisionId() => Guid.NewGuid().ToString();
}

/// <summary>ImageConfig overrides of the image's ENTRYPOINT, CMD and WORKDIR.</summary>
public sealed record ImageConfigSpec(IReadOnlyList<string>? EntryPoint, IReadOnlyList<string>? Command, string? WorkingDirectory);

/// <summary>
/// Function state machine (AWS's): every function starts Pending while its image is resolved.
/// <code>
///   create ──► Pending ──resolved──► Active
///                 │
///                 └──image error──► Failed (StateReasonCode InvalidImage | ImageAccessDenied | ImageDeleted)
/// </code>
/// </summary>
public enum FunctionState { Pending, Active, Inactive, Failed }

/// <summary>
/// The outcome of the last configuration or code update:
/// <code>UpdateFunctionCode ──► InProgress ──► Successful | Failed (LastUpdateStatusReasonCode)</code>
/// </summary>
public enum LastUpdateStatus { InProgress, Successful, Failed }
