namespace Lamina.Images;

/// <summary>
/// An expected failure inside the image store, carrying its <see cref="ImageErrorCode"/>. It never crosses
/// the public pull API: <see cref="ImageStore.PullAsync"/> turns it into an <see cref="ImageError"/> value.
/// </summary>
public sealed class ImageException : Exception
{
    public ImageException(ImageErrorCode code, string message, Exception? inner = null) : base(message, inner) => Code = code;

    public ImageException() : this(ImageErrorCode.InvalidLayer, "image error") { }

    public ImageException(string message) : this(ImageErrorCode.InvalidLayer, message) { }

    public ImageException(string message, Exception inner) : this(ImageErrorCode.InvalidLayer, message, inner) { }

    public ImageErrorCode Code { get; }

    public ImageError ToError() => new(Code, Message);
}

/// <summary>An expected failure as a value: a code from the one table and a message naming the offending item.</summary>
public sealed record ImageError(ImageErrorCode Code, string Message)
{
    public override string ToString() => $"{Code}: {Message}";
}
