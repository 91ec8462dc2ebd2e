using System.Text.Json.Serialization;

namespace Lamina.Sandbox;

/// <summary>The subset of `runc state` output Lamina reads.</summary>
/// <param name="Id">Container id.</param>
/// <param name="Pid">Host pid of the container's init (0 once stopped).</param>
/// <param name="Status">created, running, paused or stopped.</param>
/// <param name="Bundle">Bundle directory the container was created from.</param>
public sealed record RuncState(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("bundle")] string Bundle);
