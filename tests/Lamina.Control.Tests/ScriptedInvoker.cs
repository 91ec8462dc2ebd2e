using System.Collections.Concurrent;
using System.Text;
using Lamina.Control.Domain;
using Lamina.Control.Invoke;

namespace Lamina.Control.Tests;

/// <summary>
/// TEST DOUBLE of the scheduler's invoker (not on this branch), used only to script outcomes
/// deterministically: per function, fail the first N attempts of each request with an Unhandled function
/// error, or throttle every attempt. Records every arrival (function, request id, payload, attempt, time).
/// </summary>
public sealed class ScriptedInvoker : IFunctionInvoker
{
    public sealed record Arrival(string Function, string RequestId, string Payload, int Attempt, DateTimeOffset At);

    /// <summary>
    /// How a function behaves: its first <paramref name="FailFirst"/> attempts of a request fail; or it is always throttled;
    /// or its first <paramref name="PlatformFirst"/> attempts fail on the platform side (the environment vanished under the invoke).
    /// </summary>
    public sealed record Script(int FailFirst = 0, bool Throttle = false, int PlatformFirst = 0);

    private readonly ConcurrentQueue<Arrival> _arrivals = new();
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public ConcurrentDictionary<string, Script> Scripts { get; } = new();

    public IReadOnlyList<Arrival> Arrivals => [.. _arrivals];

    public Task<InvokeResult> InvokeAsync(InvokeRequest request, CancellationToken ct)
    {
        var name = request.Function.FunctionName;
        var attempt = _attempts.AddOrUpdate(request.RequestId, 1, (_, n) => n + 1);
        var payload = Encoding.UTF8.GetString(request.Payload.Span);
        _arrivals.Enqueue(new Arrival(name, request.RequestId, payload, attempt, DateTimeOffset.UtcNow));
        var script = Scripts.GetValueOrDefault(name) ?? new Script();
        if (script.Throttle)
            return Task.FromResult(InvokeResult.Failed(new LambdaError(LambdaErrorType.TooManyRequests, "Rate Exceeded.", "ConcurrentInvocationLimitExceeded")));
        if (attempt <= script.PlatformFirst)
            return Task.FromResult(InvokeResult.Failed(new LambdaError(LambdaErrorType.Service, $"The execution environment failed: sandbox gone (attempt {attempt})")));
        if (attempt <= script.FailFirst)
            return Task.FromResult(new InvokeResult(Encoding.UTF8.GetBytes($$"""{"errorMessage":"boom {{attempt}}","errorType":"Error"}"""), "Unhandled", null));
        return Task.FromResult(new InvokeResult(Encoding.UTF8.GetBytes($$"""{"ok":true,"attempt":{{attempt}}}"""), null, null));
    }

    /// <summary>Waits (polling, generous timeout) until <paramref name="done"/> holds for the arrivals so far.</summary>
    public async Task<IReadOnlyList<Arrival>> WaitAsync(Func<IReadOnlyList<Arrival>, bool> done, string what, int timeoutSeconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var now = Arrivals;
            if (done(now)) return now;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{what}: not seen within {timeoutSeconds} s; arrivals: {string.Join("; ", now.Select(a => $"{a.Function}#{a.Attempt} {a.Payload}"))}");
            await Task.Delay(100);
        }
    }
}
