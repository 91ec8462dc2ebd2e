using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Lamina.Agent.Control;

/// <summary>
/// Admits only the host to the control socket. The function runs with the agent's uid inside the
/// sandbox, so file permissions cannot tell it from the agent; its pid namespace can. SO_PEERCRED reports
/// the connecting process's pid as seen from the agent's pid namespace, and the kernel reports 0 for a
/// process outside it (the host, which is an ancestor namespace): every process of the sandbox, including
/// any it puts in a nested pid namespace, has a non-zero pid there. So a peer is admitted exactly when its
/// pid reads 0 (docs/agent-protocol.md "Who may connect").
/// </summary>
internal sealed class HostPeerGate
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;
    private static readonly long LogInterval = Stopwatch.Frequency * 60;

    private readonly Lock _lock = new();
    private long _lastLogged = long.MinValue;
    private long _suppressed;

    /// <summary>Connections refused so far.</summary>
    public long Refused { get; private set; }

    /// <summary>
    /// True when the control socket must be restricted: always when the agent is the init (pid 1) of its pid
    /// namespace — the sandbox, where the host is outside — or when LAMINA_CONTROL_HOST_ONLY=1 asks for it.
    /// There is deliberately no value that turns it off inside a sandbox.
    /// </summary>
    public static bool Required(Func<string, string?> env) =>
        Environment.ProcessId == 1 || env("LAMINA_CONTROL_HOST_ONLY") == "1";

    /// <summary>True when <paramref name="socket"/>'s peer is outside the agent's pid namespace; otherwise the
    /// refusal is counted and logged (the first at once, then at most one line a minute with the count). Never
    /// blocks: the log line is written on the thread pool.</summary>
    public bool Admit(Socket socket)
    {
        var pid = PeerPid(socket);
        if (pid == 0)
        {
            return true;
        }
        string? line = null;
        lock (_lock)
        {
            Refused++;
            var now = Stopwatch.GetTimestamp();
            if (_lastLogged == long.MinValue || now - _lastLogged >= LogInterval)
            {
                var more = _suppressed > 0 ? $" ({_suppressed} more refused since the last report)" : "";
                line = $"control socket: refused a connection from pid {pid} inside the sandbox; only the host may use it{more}";
                _lastLogged = now;
                _suppressed = 0;
            }
            else
            {
                _suppressed++;
            }
        }
        // Written elsewhere, after the refused socket is closed: the write blocks while stderr's pipe is full (the
        // host reads the log slowly, or the function floods it), and neither that peer nor other refusals (counted
        // above) may wait on it.
        if (line is not null)
        {
            AgentLog.WriteLater(AgentLog.Warn, line);
        }
        return false;
    }

    /// <summary>The peer's pid in our pid namespace: 0 for a process outside it, -1 when it cannot be read (refused).</summary>
    internal static int PeerPid(Socket socket)
    {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> credentials = stackalloc byte[12];
        try
        {
            return socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials) >= 4
                ? MemoryMarshal.Read<int>(credentials)
                : -1;
        }
        catch (SocketException)
        {
            return -1;
        }
    }
}
