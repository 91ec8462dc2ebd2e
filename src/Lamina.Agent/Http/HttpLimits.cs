namespace Lamina.Agent.Http;

/// <summary>Per-server limits. Bodies above <see cref="MaxBodyBytes"/> reach the handler flagged
/// too large; above <see cref="MaxDrainBytes"/> the connection answers 413 and closes.</summary>
internal sealed record HttpLimits(long MaxBodyBytes, long MaxDrainBytes = 256L * 1024 * 1024, int MaxLineBytes = 64 * 1024, int MaxHeaderCount = 100);
