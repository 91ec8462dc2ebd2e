using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Lamina.Sandbox.Seccomp;
using Lamina.Sandbox.Spec;

namespace Lamina.Sandbox.Host;

/// <summary>
/// The skeleton layers of one manager: the top overlay layer holding only empty mount targets (proc dev sys tmp
/// run/lamina, and the agent's path when there is one). Its content depends only on the agent's path inside the
/// sandbox, and overlay without an upperdir never writes to a lower layer, so one skeleton per agent path serves
/// every sandbox: made once per process (idempotently, so a data directory from an earlier run is reused),
/// instead of ~8 directories and a file made and deleted per sandbox — on a churned ext4 each mkdir cost
/// ~0.2 ms of kernel CPU in a scale-out (bench/invoke/README.md).
/// </summary>
internal sealed class Skeletons(SandboxLayout layout)
{
    // PublicationOnly: a failure (disk full) is not cached, the next create tries again; two racing first
    // makers both run the idempotent steps and either result is the same directory.
    private readonly ConcurrentDictionary<string, Lazy<string>> _made = new(StringComparer.Ordinal);

    /// <summary>The skeleton for sandboxes with this agent (null: none), made on first use.</summary>
    public string For(AgentMount? agent)
    {
        var key = agent?.ContainerPath ?? "";
        return _made.GetOrAdd(key, k => new Lazy<string>(() => Make(k), LazyThreadSafetyMode.PublicationOnly)).Value;
    }

    /// <summary>Directory name of the skeleton for an agent path: stable across runs, one per distinct path.</summary>
    internal static string NameFor(string agentContainerPath) => agentContainerPath.Length == 0
        ? "base"
        : "agent-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(agentContainerPath)))[..16];

    private string Make(string agentContainerPath)
    {
        var skeleton = Path.Combine(layout.SkeletonsDirectory, NameFor(agentContainerPath));
        foreach (var dir in new[] { "proc", "dev", "sys", "tmp", SpecBuilder.ControlMountPath[1..] })
            Directory.CreateDirectory(Path.Combine(skeleton, dir));
        // runc gives a tmpfs the mode of the directory it covers, whatever the mode= option says.
        File.SetUnixFileMode(Path.Combine(skeleton, "tmp"), (UnixFileMode)0b1_111_111_111);
        if (agentContainerPath.Length > 0)
        {
            var target = Path.Combine(skeleton, agentContainerPath[1..]);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (!File.Exists(target)) File.WriteAllBytes(target, []);
            // The precompiled seccomp filter's mount target (used when the agent loads it; an empty file otherwise).
            if (!File.Exists(target + SeccompFilterFile.ContainerSuffix)) File.WriteAllBytes(target + SeccompFilterFile.ContainerSuffix, []);
        }
        return skeleton;
    }
}
