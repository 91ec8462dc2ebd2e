using System.Collections.Concurrent;
using Lamina.Agent.Runtime;

namespace Lamina.Agent.Emulator;

/// <summary>
/// Up to AWS_LAMBDA_MAX_CONCURRENCY execution environments, each with its own runtime process and
/// Runtime API port. An invoke takes an idle environment, preferring the most recently used one
/// so warm runtimes are reused and extra ones are only started under concurrent load.
/// </summary>
internal sealed class EnvironmentPool : IAsyncDisposable
{
    private readonly IReadOnlyList<FunctionEnvironment> _all;
    private readonly ConcurrentStack<FunctionEnvironment> _idle = new();
    private readonly SemaphoreSlim _available;

    public EnvironmentPool(IReadOnlyList<FunctionEnvironment> environments)
    {
        _all = environments;
        for (var i = environments.Count - 1; i >= 0; i--)
        {
            _idle.Push(environments[i]);
        }
        _available = new SemaphoreSlim(environments.Count, environments.Count);
    }

    /// <summary>Runs one invocation on an idle environment, waiting for one when all are busy.</summary>
    public async Task<InvokeOutcome> InvokeAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        await _available.WaitAsync(cancellationToken);
        if (!_idle.TryPop(out var environment))
        {
            _available.Release();
            throw new InvalidOperationException("environment pool accounting is broken");
        }
        try
        {
            return await environment.InvokeAsync(invocation, CancellationToken.None);
        }
        finally
        {
            _idle.Push(environment);
            _available.Release();
        }
    }

    /// <summary>Eagerly initialises the environment the next invoke will take (it is idle and on top).</summary>
    public async Task<(InvokeOutcome? Failure, double InitMs)> InitializeAsync()
    {
        await _available.WaitAsync();
        _idle.TryPop(out var environment);
        try
        {
            return await environment!.InitializeAsync(Uuid.NewString());
        }
        finally
        {
            _idle.Push(environment!);
            _available.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var environment in _all)
        {
            await environment.DisposeAsync();
        }
    }
}
