using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Runc;

/// <summary>
/// The few changes one runtime needs to the config.json <see cref="SpecBuilder"/> writes for runc. Everything
/// that hardens the sandbox (namespaces, capabilities, no_new_privs, seccomp, masked and read-only paths, rlimits,
/// cgroup limits) is the same document for both runtimes.
/// </summary>
internal static class RuntimeSpecAdapter
{
    /// <summary>The spec <paramref name="runtime"/> should be given.</summary>
    /// <remarks>
    /// crun 1.8.1 writes a CFS quota of -1 ("unlimited", what an init-boosted or quota-less sandbox asks for) as
    /// an unsigned number, which the kernel refuses (ERANGE), so create fails. The cgroup crun creates is new and
    /// a new cgroup's quota is already -1: for crun the field is left out instead, with the same result.
    /// </remarks>
    public static RuntimeSpec For(RuntimeSpec spec, OciRuntime runtime)
    {
        if (runtime != OciRuntime.Crun || spec.Linux.Resources is not { Cpu: { Quota: < 0 } cpu } resources) return spec;
        return spec with { Linux = spec.Linux with { Resources = resources with { Cpu = cpu with { Quota = null } } } };
    }
}
