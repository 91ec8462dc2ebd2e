using System.Net.Sockets;
using System.Runtime.InteropServices;
using Lamina.Agent;
using Lamina.Agent.Emulator;

// lamina-init: started without a control channel it is the Runtime Interface Emulator.
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
    await using var host = AgentHost.Start(options, Console.OpenStandardOutput());
    var api = options.ControlSocket is null ? "invoke-api" : "control";
    Console.Error.WriteLine($"lamina-init: listening runtime-api={host.RuntimeApiAddress} {api}={host.InvokeApiAddress}");
    using var either = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, host.ShutdownRequested);
    await Task.Delay(Timeout.Infinite, either.Token).ContinueWith(_ => { }, TaskScheduler.Default);
}
catch (SocketException e)
{
    Console.Error.WriteLine($"lamina-init: cannot listen: {e.Message}");
    return 1;
}
return 0;
