using System.Diagnostics;
using Lamina.Sandbox;

namespace Lamina.Bench.Sandbox;

internal sealed record LaminaTiming(double CreateMs, double StartToReadyMs, double TotalMs, double DestroyMs);

/// <summary>One Lamina sandbox: create, start, wait for the probe's byte on the fifo, destroy.</summary>
internal static class LaminaRun
{
    public static async Task<LaminaTiming> OnceAsync(SandboxManager manager, string[] layers, string id)
    {
        var request = new SandboxRequest(id, layers, new ImageProcessConfig(["/bin/probe"], ["ready"], "/", null), null,
            new LambdaEnvironment("bench", "$LATEST", "us-east-1", "x"), null);
        var clock = Stopwatch.StartNew();
        var created = await manager.CreateAsync(request);
        if (!created.Ok) throw new InvalidOperationException(created.Error.ToString());
        var sandbox = created.Value;
        var createMs = clock.Elapsed.TotalMilliseconds;
        var fifo = Path.Combine(sandbox.ControlDirectory, "ready");
        var ready = Fifo.ReadOneByteAsync(fifo);
        var startError = await manager.StartAsync(sandbox);
        if (startError is not null) throw new InvalidOperationException(startError.ToString());
        await ready.WaitAsync(TimeSpan.FromSeconds(30));
        var totalMs = clock.Elapsed.TotalMilliseconds;
        var d = Stopwatch.StartNew();
        var destroyError = await manager.DestroyAsync(sandbox);
        if (destroyError is not null) throw new InvalidOperationException(destroyError.ToString());
        return new LaminaTiming(createMs, totalMs - createMs, totalMs, d.Elapsed.TotalMilliseconds);
    }
}
