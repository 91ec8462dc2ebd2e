namespace CSharpAot;

/// <summary>The streaming handler's event.</summary>
/// <param name="Chunks">How many lines to write.</param>
/// <param name="FailAfter">When set, throw after writing this many lines (the error goes in the trailers).</param>
/// <param name="DelayMs">Pause between lines.</param>
internal sealed record StreamRequest(int Chunks, int? FailAfter = null, int DelayMs = 0);
