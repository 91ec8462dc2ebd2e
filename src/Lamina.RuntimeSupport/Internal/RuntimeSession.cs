namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// One runtime process's connection to the Runtime API: environment, client and logging, set up once.
/// <see cref="RunAsync"/> is the bootstrap loop: next → handler → response or error, forever.
/// </summary>
internal sealed class RuntimeSession : IDisposable
{
    private readonly ConsoleLineWriter _stdout;
    private readonly ConsoleLineWriter _stderr;

    private RuntimeSession(LambdaEnvironment environment, LogWriter log)
    {
        Environment = environment;
        Log = log;
        Api = new RuntimeApiClient(environment.RuntimeApi);
        _stdout = new ConsoleLineWriter(log, LogLevel.Information);
        _stderr = new ConsoleLineWriter(log, LogLevel.Error);
        Console.SetOut(_stdout);
        Console.SetError(_stderr);
    }

    public LambdaEnvironment Environment { get; }

    public LogWriter Log { get; }

    public RuntimeApiClient Api { get; }

    /// <summary>Reads the environment and routes Console output through the request-tagging log writer.</summary>
    public static RuntimeSession Start()
    {
        var environment = LambdaEnvironment.FromProcess();
        return new RuntimeSession(environment, LogWriter.FromEnvironment(Console.OpenStandardOutput(), TimeProvider.System));
    }

    /// <summary>Reports a failure before the first invocation to /runtime/init/error.</summary>
    public async Task ReportInitErrorAsync(Exception exception, CancellationToken cancellationToken)
    {
        var error = ErrorJson.Unwrap(exception);
        Log.Write(LogLevel.Error, $"{ErrorJson.ErrorType(error)}: {error.Message}");
        await Api.PostInitErrorAsync(error, cancellationToken);
    }

    /// <summary>Serves invocations until <paramref name="cancellationToken"/> is cancelled or the Runtime API fails.</summary>
    public async Task RunAsync(IInvocationHandler handler, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var request = await Api.NextAsync(cancellationToken);
            Log.RequestId = request.RequestId;
            if (request.TraceId.Length > 0) System.Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", request.TraceId);
            var context = new LambdaContext(Environment, request, Log, TimeProvider.System);
            try
            {
                await handler.HandleAsync(request, context, Api, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var error = ErrorJson.Unwrap(e);
                // The function's log shows the failure too, as AWS's runtimes do.
                Log.Write(LogLevel.Error, $"{ErrorJson.ErrorType(error)}: {error.Message}\n{error.StackTrace}");
                await Api.PostErrorAsync(request, error, cancellationToken);
            }
            finally
            {
                _stdout.FlushPartialLine();
                _stderr.FlushPartialLine();
                Log.RequestId = null;
            }
        }
    }

    public void Dispose() => Api.Dispose();
}
