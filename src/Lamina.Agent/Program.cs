using System.Net.Sockets;
using System.Runtime.InteropServices;
using Lamina.Agent;
using Lamina.Agent.Emulator;
using Lamina.Agent.Security;

// Before anything reads input or starts a process: the sandbox's seccomp filter, when the host hands one over.
// Fails closed: a filter that cannot be installed ends lamina-init here.
if (args is [SeccompFilter.Switch, ..])
{
    if ((args.Length < 2 ? "--seccomp needs a path" : SeccompFilter.Install(args[1])) is { } failure)
    {
        Console.Error.WriteLine($"lamina-init: {failure}");
        return 3;
    }
    args = args[2..];
}

// lamina-init: started without a control channel it is the Runtime Interface Emulator.
// Socket continuations run on the epoll thread instead of hopping to the thread pool: an invoke crosses
// three connections, and each hop was a wake-up on the critical path (bench/agent/README.md). Read once,
// when the first socket is made; RuntimeProcess keeps the variable out of the runtime's environment.
if (Environment.GetEnvironmentVariable(RuntimeProcess.InlineCompletionsVariable) is null)
{
    Environment.SetEnvironmentVariable(RuntimeProcess.InlineCompletionsVariable, "1");
    RuntimeProcess.HideInlineCompletions = true;
}
var options = EmulatorOptions.Parse(args, Environment.GetEnvironmentVariable, File.Exists, out var error);
if (error is not null)
{
    Console.Error.WriteLine($"lamina-init: {error}\n{AgentHost.Usage}");
    return 2;
}
AgentLog.Level = AgentLog.Parse(options.LogLevel) ?? AgentLog.Info;
if (Hardening.MakeUndumpable() is not 0 and var errno) Console.Error.WriteLine($"lamina-init: prctl(PR_SET_DUMPABLE) failed: errno {errno}");
using var stop = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
try
{
    await using var host = AgentHost.Start(options);
    if (options.ControlSocket is null)
    {
        // The emulator's readiness line (tests and bench/agent wait for it). With a control socket the host
        // polls /lamina/v1/health instead, and the line stays out of the function's log, as on Lambda.
        Console.Error.WriteLine($"lamina-init: listening runtime-api={host.RuntimeApiAddress} invoke-api={host.InvokeApiAddress}");
    }
    using var either = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, host.ShutdownRequested);
    await Task.Delay(Timeout.Infinite, either.Token).ContinueWith(_ => { }, TaskScheduler.Default);
}
catch (SocketException e)
{
    Console.Error.WriteLine($"lamina-init: cannot listen: {e.Message}");
    return 1;
}
return 0;
