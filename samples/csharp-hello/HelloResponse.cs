namespace CSharpHello;

/// <summary>The greeting and what the handler saw in its context.</summary>
public sealed record HelloResponse(
    string Greeting,
    string RequestId,
    string FunctionName,
    string FunctionVersion,
    int MemoryLimitInMB,
    long RemainingTimeMs,
    string InvokedFunctionArn,
    string? TenantId,
    string? ClientAppTitle);
