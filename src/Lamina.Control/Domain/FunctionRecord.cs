namespace Lamina.Control.Domain;

/// <summary>A function as stored: its <c>$LATEST</c> configuration plus function-level settings.</summary>
public sealed record FunctionRecord(
    FunctionConfig Latest,
    IReadOnlyDictionary<string, string> Tags,
    int? ReservedConcurrency,
    long LastPublishedVersion,
    DateTimeOffset CreatedAt);

/// <summary>An alias: a name pointing at a version, optionally splitting traffic with <see cref="AdditionalVersionWeights"/>.</summary>
public sealed record AliasConfig(
    string Name,
    string FunctionVersion,
    string Description,
    IReadOnlyDictionary<string, double>? AdditionalVersionWeights,
    string RevisionId);

/// <summary>A function URL's configuration (served by <c>Urls/FunctionUrlEndpoint</c>).</summary>
public sealed record UrlConfig(
    string? Qualifier,
    string UrlId,
    string AuthType,
    string? CorsJson,
    string InvokeMode,
    DateTimeOffset CreationTime,
    DateTimeOffset LastModifiedTime);

/// <summary>Asynchronous invocation settings for a function or one of its qualifiers.</summary>
public sealed record EventInvokeConfig(
    string? Qualifier,
    int? MaximumRetryAttempts,
    int? MaximumEventAgeInSeconds,
    string? DestinationConfigJson,
    DateTimeOffset LastModified);
