namespace Lamina.Fuzz;

/// <summary>A parser broke one of its own invariants on a fuzz input: a finding, never an expected outcome.</summary>
internal sealed class FuzzFinding(string message) : Exception(message);
