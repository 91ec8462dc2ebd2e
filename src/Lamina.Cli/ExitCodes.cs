namespace Lamina.Cli;

/// <summary>The CLI's exit codes, stable for scripts (docs/cli.md).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The function failed, or the server answered with an error.</summary>
    public const int RemoteError = 1;

    /// <summary>Bad flags, arguments or local input (a missing file, malformed JSON).</summary>
    public const int Usage = 2;

    /// <summary>Nothing answered at the endpoint.</summary>
    public const int Unreachable = 3;

    /// <summary>The server refused the credentials.</summary>
    public const int AuthFailure = 4;
}
