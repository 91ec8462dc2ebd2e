using Lamina.Environments;
using Lamina.Images;

namespace Lamina.Cli.Run;

/// <summary>
/// The foreground part of <c>lamina run</c>: cold-start the environment, listen, wait for Ctrl-C or SIGTERM,
/// then tear down in order (listener, log follower, environment, host leftovers).
/// </summary>
internal static class RunLoop
{
    public static async Task<int> RunAsync(string agentBinary, string imageName, PulledImage image, FunctionConfig function, int port, CancellationToken ct)
    {
        var logs = new LogFollower(Console.Out);
        await using var session = new RunSession(agentBinary, image, function, logs);
        // Listen first: a port in use is reported before a sandbox is made.
        await using var listener = await InvokeListener.StartAsync(port, session, ct);
        if (await session.StartAsync(ct) is { } error)
            throw new CliException(ExitCodes.RemoteError, StartFailure.Describe(error));
        await Console.Error.WriteLineAsync(
            $"lamina run: {imageName} ({image.ManifestDigest.ToString()[..19]}) in sandbox {session.SandboxId}; " +
            $"invoke with: curl -XPOST \"http://localhost:{port}/2015-03-31/functions/function/invocations\" -d '{{}}'  (Ctrl-C stops)");
        await Console.Error.WriteLineAsync($"lamina run: host state: {session.DataDirectory} cgroup {session.CgroupParent}");
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
        }
        await Console.Error.WriteLineAsync("lamina run: stopping, destroying the environment");
        await session.CancelInvokesAsync();
        await listener.StopAsync(CancellationToken.None);
        return ExitCodes.Ok;
    }
}
