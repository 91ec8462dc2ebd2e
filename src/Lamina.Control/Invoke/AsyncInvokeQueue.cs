using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lamina.Control.Invoke;

/// <summary>
/// Runs Event (asynchronous) invocations after the API answered 202. In memory for now: events accepted
/// but not yet run are lost on restart (the durable queue with retries and destinations is a later slice).
/// </summary>
public sealed partial class AsyncInvokeQueue(IFunctionInvoker invoker, ILogger<AsyncInvokeQueue> logger) : BackgroundService
{
    private readonly Channel<InvokeRequest> _queue = Channel.CreateUnbounded<InvokeRequest>();

    public void Enqueue(InvokeRequest request) => _queue.Writer.TryWrite(request);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var request in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                var result = await invoker.InvokeAsync(request, stoppingToken);
                if (result.Error is not null) LogEventFailed(logger, request.RequestId, request.InvokedFunctionArn, result.Error.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogEventFailed(logger, request.RequestId, request.InvokedFunctionArn, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Event invocation {RequestId} of {Arn} failed: {Message}")]
    private static partial void LogEventFailed(ILogger logger, string requestId, string arn, string message);
}
