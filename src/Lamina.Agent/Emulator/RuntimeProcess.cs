using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;

namespace Lamina.Agent.Emulator;

/// <summary>
/// The function's runtime (or an external extension) as a child process. Its stdout and stderr are
/// pipes that <see cref="OutputPump"/>s (read by the agent's one <see cref="OutputPoller"/> thread) copy, byte for byte, to the agent's own stdout and stderr (the
/// function's log) and cut into lines for the Telemetry and Logs APIs.
/// </summary>
internal sealed class RuntimeProcess
{
    private readonly Process _process;
    private readonly OutputPump _stdout;
    private readonly OutputPump _stderr;
    private readonly MemoryProbe _memory;

    private RuntimeProcess(Process process, PlatformLog log, Action<ReadOnlySpan<byte>> line)
    {
        _process = process;
        Id = process.Id;
        _memory = new MemoryProbe(Id);
        _stdout = OutputPump.Start(log.Poller, log.Poller.Stdout, PipeOf(process.StandardOutput), line);
        _stderr = OutputPump.Start(log.Poller, log.Poller.Stderr, PipeOf(process.StandardError), line);
        Exited = WaitAsync(process, _memory);
    }

    /// <summary>The agent's own socket tuning (Program.cs); never passed on to the runtime or extensions.</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>True when the agent set <see cref="InlineCompletionsVariable"/> itself (always under the host, which hides
    /// the function's own value from the agent: <see cref="ChildEnvironment"/>; in emulator mode a value the environment
    /// brought is used and passed on untouched).</summary>
    public static bool HideInlineCompletions { get; set; }

    /// <summary>Completes with the exit status (128 + n when killed by signal n).</summary>
    public Task<int> Exited { get; }

    public int Id { get; }

    /// <summary>Starts the runtime with the Lambda environment variables set.</summary>
    /// <returns>The process, or null with <paramref name="error"/> set when it cannot be started.</returns>
    public static RuntimeProcess? Start(EmulatorOptions options, string runtimeApi, PlatformLog log, Action<ReadOnlySpan<byte>> line, out string? error)
    {
        if (options.Command.Count == 0)
        {
            error = "no runtime command given and no bootstrap found in " + string.Join(", ", EmulatorOptions.BootstrapPaths);
            return null;
        }
        return Start(options.Command, options, runtimeApi, log, line, out error);
    }

    /// <summary>Starts <paramref name="command"/> (the runtime or an external extension) with the Lambda environment;
    /// its output goes to <paramref name="log"/> and, line by line, to <paramref name="line"/>.</summary>
    public static RuntimeProcess? Start(IReadOnlyList<string> command, EmulatorOptions options, string runtimeApi, PlatformLog log, Action<ReadOnlySpan<byte>> line, out string? error)
    {
        error = null;
        var info = new ProcessStartInfo(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        var env = info.Environment;
        if (HideInlineCompletions)
        {
            env.Remove(InlineCompletionsVariable);
        }
        // After the removal above: a DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS of the function's comes back here.
        ChildEnvironment.Restore(env);
        env["AWS_LAMBDA_RUNTIME_API"] = runtimeApi;
        env["AWS_LAMBDA_FUNCTION_NAME"] = options.FunctionName;
        env["AWS_LAMBDA_FUNCTION_VERSION"] = options.FunctionVersion;
        env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = options.MemorySizeMb.ToString(CultureInfo.InvariantCulture);
        env["AWS_LAMBDA_LOG_GROUP_NAME"] = options.LogGroupName;
        env["AWS_LAMBDA_LOG_STREAM_NAME"] = options.LogStreamName;
        env["AWS_LAMBDA_INITIALIZATION_TYPE"] = "on-demand";
        env["AWS_REGION"] = options.Region;
        env["AWS_DEFAULT_REGION"] = env.TryGetValue("AWS_DEFAULT_REGION", out var region) && !string.IsNullOrEmpty(region) ? region : options.Region;
        SetIfMissing(env, "LAMBDA_TASK_ROOT", "/var/task");
        SetIfMissing(env, "LAMBDA_RUNTIME_DIR", "/var/runtime");
        SetIfMissing(env, "TZ", ":UTC");
        if (options.Handler is not null)
        {
            env["_HANDLER"] = options.Handler;
        }
        try
        {
            var process = Process.Start(info);
            if (process is null)
            {
                error = $"could not start {command[0]}";
                return null;
            }
            return new RuntimeProcess(process, log, line);
        }
        catch (Win32Exception e)
        {
            error = $"fork/exec {command[0]}: {e.Message}";
            return null;
        }
    }

    /// <summary>Graceful stop, as Lambda does at shutdown: SIGTERM, then after <paramref name="grace"/> SIGKILL to the whole tree.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (!Exited.IsCompleted && Libc.Kill(Id, Libc.SigTerm) == 0)
        {
            await Task.WhenAny(Exited, Task.Delay(grace));
        }
        await KillAsync();
    }

    /// <summary>Kills the runtime and every process it started, then waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or Win32Exception)
        {
            // The tree walk needs /proc; without it (a bare chroot) the runtime itself still goes.
            try
            {
                _process.Kill(entireProcessTree: false);
            }
            catch (InvalidOperationException)
            {
            }
        }
        await Exited;
    }

    /// <summary>Peak resident memory of the runtime and its descendants, in MB (0 when unknown).</summary>
    public int MaxMemoryUsedMb() => _memory.PeakMegabytes();

    /// <summary>Processes what the process wrote so far (both pipes), so the lines the runtime wrote before it
    /// answered come before END and REPORT.</summary>
    public void DrainOutput()
    {
        _stdout.Drain();
        _stderr.Drain();
    }

    private static SafePipeHandle PipeOf(StreamReader reader) => ((PipeStream)reader.BaseStream).SafePipeHandle;

    private static void SetIfMissing(IDictionary<string, string?> env, string name, string value)
    {
        if (!env.TryGetValue(name, out var existing) || string.IsNullOrEmpty(existing))
        {
            env[name] = value;
        }
    }

    private static async Task<int> WaitAsync(Process process, MemoryProbe memory)
    {
        await process.WaitForExitAsync();
        memory.Close();
        return process.ExitCode;
    }
}
