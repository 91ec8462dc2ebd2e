using Lamina.Sandbox.Seccomp;
using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox;

public sealed partial class SandboxManager
{
    // Written on the first sandbox that uses it; PublicationOnly: a failed write (disk full) is tried again next time.
    private readonly Lazy<string> _seccompFilter;

    /// <summary>
    /// The host path of the precompiled filter for <paramref name="request"/>, or null when the runtime compiles the
    /// spec's seccomp section (<see cref="SandboxManagerOptions.SeccompInAgent"/> off, or no filter-loading agent).
    /// </summary>
    private string? SeccompFilterFor(SandboxRequest request) =>
        Options.SeccompInAgent && SpecBuilder.UsesAgentFilter(request) ? _seccompFilter.Value : null;

    private static Lazy<string> SeccompFilterWriter(SandboxLayout layout) =>
        new(() => SeccompFilterFile.Write(layout, SeccompFilterFile.ProfileProgram), LazyThreadSafetyMode.PublicationOnly);
}
