namespace Lamina.Build;

/// <summary>What a <see cref="BuildEvent"/> reports.</summary>
public enum BuildEventKind
{
    /// <summary>A step starts: <see cref="BuildEvent.Text"/> is the instruction after substitution.</summary>
    Step,

    /// <summary>The step's layer came from the cache.</summary>
    Cached,

    /// <summary>One line of a RUN's output.</summary>
    Output,

    /// <summary>The step finished; <see cref="BuildEvent.Elapsed"/> says how long it took.</summary>
    Done,

    /// <summary>Something Docker would accept that lamina build ignores or treats differently.</summary>
    Warning,
}

/// <summary>A progress report; <see cref="Step"/> counts from 1 over every step built, <see cref="Total"/> is their number.</summary>
public sealed record BuildEvent(BuildEventKind Kind, int Step, int Total, string Stage, string Text, TimeSpan Elapsed = default);
