namespace Lamina.Control.Domain;

/// <summary>A value or the <see cref="LambdaError"/> that prevented it.</summary>
public readonly record struct Result<T>(T? Value, LambdaError? Error)
{
    public bool IsOk => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(LambdaError error) => new(default, error);
}
