using System.Text;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>
/// Console.Out / Console.Error replacement: collects characters into lines and hands each complete
/// line to the <see cref="LogWriter"/> as one record at <paramref name="level"/>, so plain
/// <c>Console.WriteLine</c> output carries the request id. A partial line is written when the
/// invocation ends (<see cref="FlushPartialLine"/>), so it is attributed to the right request.
/// </summary>
internal sealed class ConsoleLineWriter(LogWriter log, LogLevel level) : TextWriter
{
    private readonly StringBuilder _line = new();
    private readonly Lock _lock = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_lock) Append(value);
    }

    public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

    public override void Write(ReadOnlySpan<char> buffer)
    {
        lock (_lock)
        {
            foreach (var c in buffer) Append(c);
        }
    }

    public override void Write(string? value) => Write(value.AsSpan());

    public override void WriteLine(string? value)
    {
        lock (_lock)
        {
            if (_line.Length == 0 && !value.AsSpan().Contains('\n'))
            {
                log.Write(level, value.AsSpan().TrimEnd('\r'));
                return;
            }
            foreach (var c in value.AsSpan()) Append(c);
            Append('\n');
        }
    }

    /// <summary>Writes what is left of an unterminated line as its own record.</summary>
    public void FlushPartialLine()
    {
        lock (_lock)
        {
            if (_line.Length > 0) Emit();
        }
    }

    private void Append(char c)
    {
        if (c == '\n') Emit();
        else _line.Append(c);
    }

    private void Emit()
    {
        if (_line.Length > 0 && _line[^1] == '\r') _line.Length--;
        foreach (var chunk in _line.GetChunks())
        {
            // A line held in one chunk (the common case) is written without copying.
            if (chunk.Length == _line.Length)
            {
                log.Write(level, chunk.Span);
                _line.Clear();
                return;
            }
            break;
        }
        log.Write(level, _line.ToString());
        _line.Clear();
    }
}
