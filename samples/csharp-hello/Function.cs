using Lamina.RuntimeSupport;

namespace CSharpHello;

/// <summary>
/// The sample handler. Written as for Amazon.Lambda.Core (only the using differs); run by the managed
/// image as <c>CSharpHello::CSharpHello.Function::Handler</c> and compiled into the NativeAOT sample as is.
/// </summary>
public sealed class Function
{
    /// <summary>Greets <see cref="HelloRequest.Name"/>; throws <see cref="ArgumentException"/> when there is no name.</summary>
    public async Task<HelloResponse> Handler(HelloRequest request, ILambdaContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (string.IsNullOrWhiteSpace(request.Name))
            throw new ArgumentException("name is required", nameof(request));
        context.Logger.LogInformation($"greeting {request.Name}");
        Console.WriteLine($"console line for {request.Name}");
        if (request.SleepMs > 0) await Task.Delay(request.SleepMs);
        return new HelloResponse(
            $"Hello, {request.Name}!",
            context.AwsRequestId,
            context.FunctionName,
            context.FunctionVersion,
            context.MemoryLimitInMB,
            (long)context.RemainingTime.TotalMilliseconds,
            context.InvokedFunctionArn,
            context.TenantId,
            context.ClientContext?.Client.AppTitle);
    }
}
