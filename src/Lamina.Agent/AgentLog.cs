namespace Lamina.Agent;

/// <summary>
/// The agent's own diagnostics on stderr, filtered by <c>--log-level</c> (aws-lambda-rie's levels:
/// trace, debug, info, warn, error, fatal, panic; default info). The function's log and the
/// START/END/REPORT lines are never filtered, nor is the emulator's "listening" line (control-socket
/// mode prints none: the host polls health, and the function's log stays as on Lambda).
/// </summary>
internal static class AgentLog
{
    public const int Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4;

    /// <summary>The lowest level written; set once at start-up.</summary>
    public static int Level { get; set; } = Info;

    /// <summary>The numeric level of a name (case-insensitive; "warning" = warn), or null when unknown.</summary>
    public static int? Parse(string name) => name.ToLowerInvariant() switch
    {
        "trace" => Trace,
        "debug" => Debug,
        "info" => Info,
        "warn" or "warning" => Warn,
        "error" or "fatal" or "panic" => Error,
        _ => null,
    };

    public static bool Enabled(int level) => level >= Level;

    /// <summary>Like <see cref="Write"/>, from the thread pool: for lines a request of the function causes, which
    /// run on a socket's continuation (the epoll thread every socket shares) and must not wait there while
    /// stderr's pipe is full.</summary>
    public static void WriteLater(int level, string message)
    {
        if (Enabled(level))
        {
            ThreadPool.QueueUserWorkItem(static state => Write(state.Level, state.Message), (Level: level, Message: message), preferLocal: false);
        }
    }

    /// <summary>Writes <c>lamina-init: [level] message</c> when <paramref name="level"/> is enabled.</summary>
    public static void Write(int level, string message)
    {
        if (Enabled(level))
        {
            var name = level switch { Trace => "trace", Debug => "debug", Info => "info", Warn => "warn", _ => "error" };
            Console.Error.WriteLine($"lamina-init: [{name}] {message}");
        }
    }
}
