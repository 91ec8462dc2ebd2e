using Lamina.Sandbox;

namespace Lamina.Environments.Tests.Fixtures;

/// <summary>One sandbox manager per test (own data directory and cgroup parent), cleaned up fully.</summary>
internal sealed class EnvironmentHarness : IAsyncDisposable
{
    private readonly List<ExecutionEnvironment> _environments = [];

    public EnvironmentHarness(string agentBinary, CpuLimits? cpu = null)
    {
        if (!File.Exists("/usr/sbin/runc")) throw new InvalidOperationException("runc missing: apt-get install -y runc");
        DataDirectory = Directory.CreateTempSubdirectory("lamina-env-sbx-").FullName;
        CgroupParent = "lamina-envtest-" + Guid.NewGuid().ToString("N")[..10];
        Manager = new SandboxManager(new SandboxManagerOptions(DataDirectory, CgroupParent) { Cpu = cpu ?? CpuLimits.Default });
        Factory = new EnvironmentFactory(Manager, new EnvironmentOptions(agentBinary));
    }

    public string DataDirectory { get; }
    public string CgroupParent { get; }
    public SandboxManager Manager { get; }
    public EnvironmentFactory Factory { get; }

    public static string NewId() => "e-" + Guid.NewGuid().ToString("N")[..12];

    public async Task<ExecutionEnvironment> StartAsync(PulledImageFixture image, FunctionConfig function)
    {
        var (env, error) = await Factory.StartAsync(NewId(), image.Image, function);
        Assert.True(env is not null, error?.ToString());
        _environments.Add(env!);
        return env!;
    }

    /// <summary>Destroys <paramref name="env"/> with the harness.</summary>
    public void Track(ExecutionEnvironment env) => _environments.Add(env);

    /// <summary>The sandbox's freezer state, FROZEN or THAWED, on either cgroup layout (UNREADABLE when gone).</summary>
    public string FreezerState(ExecutionEnvironment env) =>
        SandboxCgroups.Frozen(CgroupParent, env.Sandbox.Id) switch { true => "FROZEN", false => "THAWED", null => "UNREADABLE" };

    /// <summary>The sandbox's CFS quota in µs (-1: none) on either cgroup layout, as text ("unreadable" when gone).</summary>
    public string CpuQuota(SandboxHandle sandbox) =>
        SandboxCgroups.CpuQuotaUs(CgroupParent, sandbox.Id)?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unreadable";

    /// <summary>Every cgroup directory of a sandbox that still exists.</summary>
    public IEnumerable<string> CgroupLeftovers(string id) => SandboxCgroups.Directories(CgroupParent, id);

    public async ValueTask DisposeAsync()
    {
        foreach (var e in _environments) await e.DestroyAsync();
        await new SandboxManager(new SandboxManagerOptions(DataDirectory, CgroupParent)).RecoverAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
        SandboxCgroups.RemoveParentIfEmpty(CgroupParent);
    }
}
