namespace Lamina.Sandbox.Spec;

/// <summary>Resolves the runtime command and working directory from the image config and ImageConfig.</summary>
/// <remarks>
/// Docker's rule, which Lambda follows for images: overriding the entrypoint discards the image's
/// CMD (it belonged to the old entrypoint) unless a command override is also given.
/// </remarks>
public static class ProcessCommand
{
    /// <summary>ENTRYPOINT + CMD after overrides; empty when the image and overrides name nothing.</summary>
    public static IReadOnlyList<string> Resolve(ImageProcessConfig image, ImageConfigOverrides? overrides)
    {
        var entrypoint = overrides?.EntryPoint ?? image.Entrypoint ?? [];
        var cmd = overrides?.Command
            ?? (overrides?.EntryPoint is not null ? null : image.Cmd)
            ?? [];
        return [.. entrypoint, .. cmd];
    }

    /// <summary>The working directory: override, else WORKDIR, else "/".</summary>
    public static string WorkingDirectory(ImageProcessConfig image, ImageConfigOverrides? overrides)
    {
        var dir = overrides?.WorkingDirectory;
        if (string.IsNullOrEmpty(dir)) dir = image.WorkingDir;
        return string.IsNullOrEmpty(dir) ? "/" : dir;
    }
}
