using System.Diagnostics.CodeAnalysis;

namespace Lamina.Sandbox;

/// <summary>A value or a <see cref="SandboxError"/>.</summary>
public readonly record struct SandboxResult<T>
{
    /// <summary>A success.</summary>
    public SandboxResult(T value) => Value = value;

    /// <summary>A failure.</summary>
    public SandboxResult(SandboxError error) => Error = error;

    /// <summary>The value when the operation succeeded.</summary>
    public T? Value { get; }

    /// <summary>The failure, or null on success.</summary>
    public SandboxError? Error { get; }

    /// <summary>True when <see cref="Value"/> is set.</summary>
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Ok => Error is null;

    /// <summary>Wraps a success.</summary>
    public static implicit operator SandboxResult<T>(T value) => new(value);

    /// <summary>Wraps a failure.</summary>
    public static implicit operator SandboxResult<T>(SandboxError error) => new(error);
}
