using System.Text;
using Lamina.Control.Invoke;

namespace Lamina.Control.Tests;

/// <summary>
/// TEST DOUBLE of the scheduler's invoker, which does not exist yet: answers {"version":…,"digest":…,"event":PAYLOAD}
/// so tests can see which version and image the API resolved. A payload containing "fail" comes back as an Unhandled function error.
/// </summary>
public sealed class EchoTestInvoker : IFunctionInvoker
{
    public int Calls;

    public Task<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken ct)
    {
        Interlocked.Increment(ref Calls);
        var payload = request.Payload.Length == 0 ? "null" : Encoding.UTF8.GetString(request.Payload.Span);
        var body = $$"""{"version":"{{request.Function.Version}}","digest":"{{request.Function.ImageDigest}}","event":{{payload}}}""";
        var error = payload.Contains("fail", StringComparison.Ordinal) ? "Unhandled" : null;
        return Task.FromResult(new InvokeResult(Encoding.UTF8.GetBytes(body), error, $"START RequestId: {request.RequestId} Version: {request.Function.Version}\nEND RequestId: {request.RequestId}\n"));
    }
}
