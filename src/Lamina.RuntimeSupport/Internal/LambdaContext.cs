namespace Lamina.RuntimeSupport.Internal;

/// <summary>The <see cref="ILambdaContext"/> of one invocation: environment values read once, request
/// values from the /next headers, client context and identity parsed only when a handler asks.</summary>
internal sealed class LambdaContext(LambdaEnvironment environment, InvocationRequest request, ILambdaLogger logger, TimeProvider clock) : ILambdaContext
{
    private IClientContext? _clientContext;
    private ICognitoIdentity? _identity;

    public string AwsRequestId => request.RequestId;

    public IClientContext? ClientContext =>
        _clientContext ??= request.ClientContextJson is { Length: > 0 } json ? ClientContextData.Parse(json) : null;

    public string FunctionName => environment.FunctionName;

    public string FunctionVersion => environment.FunctionVersion;

    public ICognitoIdentity? Identity =>
        _identity ??= request.CognitoIdentityJson is { Length: > 0 } json ? CognitoIdentityData.Parse(json) : null;

    public string InvokedFunctionArn => request.InvokedFunctionArn;

    public ILambdaLogger Logger => logger;

    public string LogGroupName => environment.LogGroupName;

    public string LogStreamName => environment.LogStreamName;

    public int MemoryLimitInMB => environment.MemoryLimitInMB;

    public TimeSpan RemainingTime =>
        request.DeadlineMs == 0 ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(request.DeadlineMs - clock.GetUtcNow().ToUnixTimeMilliseconds());

    public string? TenantId => request.TenantId;

    public string TraceId => request.TraceId;
}
