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

    /// <summary>The sandbox's freezer.state (FROZEN / THAWED), cgroup v1.</summary>
    public string FreezerState(ExecutionEnvironment env) =>
        File.ReadAllText(Path.Combine("/sys/fs/cgroup/freezer", CgroupParent, env.Sandbox.Id, "freezer.state")).Trim();

    /// <summary>The sandbox's cpu.cfs_quota_us (-1: none), cgroup v1.</summary>
    public string CpuQuota(SandboxHandle sandbox) =>
        File.ReadAllText(Path.Combine("/sys/fs/cgroup/cpu", CgroupParent, sandbox.Id, "cpu.cfs_quota_us")).Trim();

    /// <summary>Every cgroup directory of a sandbox that still exists.</summary>
    public IEnumerable<string> CgroupLeftovers(string id) =>
        Directory.GetDirectories("/sys/fs/cgroup").Select(h => Path.Combine(h, CgroupParent, id)).Where(Directory.Exists);

    public async ValueTask DisposeAsync()
    {
        foreach (var e in _environments) await e.DestroyAsync();
        await new SandboxManager(new SandboxManagerOptions(DataDirectory, CgroupParent)).RecoverAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
        foreach (var h in Directory.GetDirectories("/sys/fs/cgroup"))
        {
            var dir = Path.Combine(h, CgroupParent);
            try { if (Directory.Exists(dir)) Directory.Delete(dir); } catch (IOException) { }
        }
    }
}
