using Lamina.Environments;

namespace Lamina.Scheduler;

/// <summary>A sandbox made ahead of demand for one pool, with the 32-hex id its log stream will carry once used.</summary>
/// <param name="Sandbox">Created, started, agent ready, frozen; no runtime yet.</param>
/// <param name="Hex">Log stream id; its first <see cref="Scheduler.SandboxIdLength"/> characters are the sandbox id.</param>
/// <param name="Since">When it was made (<see cref="TimeProvider"/> timestamp): spares age out like idle environments.</param>
/// <param name="MemoryMb">Its function's MemorySize: the share of the memory budget it holds (Scheduler.SpareBudget.cs).</param>
internal sealed record Spare(PreparedSandbox Sandbox, string Hex, long Since, int MemoryMb);
