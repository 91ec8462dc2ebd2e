using System.Text.Json;
using Lamina.Sandbox.Seccomp;
using Lamina.Sandbox.Spec;
using Lamina.Sandbox.Tests.Fixtures;

namespace Lamina.Sandbox.Tests;

/// <summary>The generated config.json, without running anything.</summary>
public sealed class SpecBuilderTests
{
    private static SandboxRequest Request() => new(
        "fn-1", ["/layers/top", "/layers/base"],
        new ImageProcessConfig(["/lambda-entrypoint.sh"], ["app.handler"], "/var/task", ["PATH=/image/bin", "IMAGE_VAR=1", "TZ=Europe/Paris"]),
        null, new LambdaEnvironment("my-fn", "7", "eu-west-1", "app.handler"),
        new Dictionary<string, string> { ["USER_VAR"] = "u", ["AWS_REGION"] = "attempted-override" },
        MemoryMb: 512, EphemeralStorageMb: 1024);

    private static JsonElement Json(RuntimeSpec spec) =>
        JsonDocument.Parse(JsonSerializer.Serialize(spec, SpecJsonContext.Default.RuntimeSpec)).RootElement;

    [Fact]
    public void Process_is_unprivileged_with_lambda_limits()
    {
        var json = Json(SpecBuilder.Build(Request(), "/data/control", "lamina"));
        var process = json.GetProperty("process");
        Assert.Equal(993u, process.GetProperty("user").GetProperty("uid").GetUInt32());
        Assert.Equal(990u, process.GetProperty("user").GetProperty("gid").GetUInt32());
        Assert.True(process.GetProperty("noNewPrivileges").GetBoolean());
        foreach (var set in process.GetProperty("capabilities").EnumerateObject()) Assert.Equal(0, set.Value.GetArrayLength());
        Assert.Contains(process.GetProperty("rlimits").EnumerateArray(),
            r => r.GetProperty("type").GetString() == "RLIMIT_NOFILE" && r.GetProperty("hard").GetUInt64() == 1024);
        Assert.True(json.GetProperty("root").GetProperty("readonly").GetBoolean());
        Assert.Equal(["/lambda-entrypoint.sh", "app.handler"], process.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("/var/task", process.GetProperty("cwd").GetString());
    }

    [Fact]
    public void Environment_layers_image_then_function_then_reserved()
    {
        var env = SpecBuilder.Build(Request(), "/c", "lamina").Process.Env;
        Assert.Contains("PATH=/image/bin", env);
        Assert.Contains("IMAGE_VAR=1", env);
        Assert.Contains("USER_VAR=u", env);
        Assert.Contains("AWS_REGION=eu-west-1", env);
        Assert.Contains("TZ=:UTC", env);
        Assert.Contains("AWS_LAMBDA_FUNCTION_MEMORY_SIZE=512", env);
        Assert.Contains("AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/my-fn", env);
        Assert.Contains("_HANDLER=app.handler", env);
        Assert.Contains("LAMBDA_TASK_ROOT=/var/task", env);
        Assert.DoesNotContain(env, e => e.StartsWith("AWS_ACCESS_KEY_ID=", StringComparison.Ordinal));
        Assert.Equal(env.Count, env.Select(e => e.Split('=')[0]).Distinct().Count());
    }

    [Fact]
    public void Image_config_overrides_follow_docker_rules()
    {
        var image = new ImageProcessConfig(["/entry"], ["default-cmd"], "/img", null);
        Assert.Equal(["/entry", "new-cmd"], ProcessCommand.Resolve(image, new(null, ["new-cmd"], null)));
        Assert.Equal(["/other"], ProcessCommand.Resolve(image, new(["/other"], null, null)));
        Assert.Equal(["/other", "x"], ProcessCommand.Resolve(image, new(["/other"], ["x"], null)));
        Assert.Equal("/work", ProcessCommand.WorkingDirectory(image, new(null, null, "/work")));
        Assert.Equal("/img", ProcessCommand.WorkingDirectory(image, null));
        Assert.Equal("/", ProcessCommand.WorkingDirectory(image with { WorkingDir = null }, null));
    }

    [Fact]
    public void Cpu_section_carries_the_quota_period_and_shares_of_the_settings()
    {
        var cpu = SpecBuilder.Build(Request() with { MemoryMb = 3538 }, "/c", "lamina", new CpuLimits(HostCpus: 4)).Linux.Resources.Cpu;
        Assert.Equal((1024UL, (long?)200_000L, 100_000UL), (cpu.Shares, cpu.Quota, cpu.Period));
        // Equal weights whatever the memory: a 128 MB neighbour is not outweighed by a 3.5 GB spinner.
        Assert.Equal(1024UL, SpecBuilder.Build(Request() with { MemoryMb = 128 }, "/c", "lamina").Linux.Resources.Cpu.Shares);
        var off = SpecBuilder.Build(Request(), "/c", "lamina", new CpuLimits(Quota: false)).Linux.Resources.Cpu;
        Assert.Equal(-1L, off.Quota);
        // runc writes -1 (unlimited) to cpu.cfs_quota_us; 0 or a missing field would leave the cgroup's value.
        Assert.Equal(-1, Json(SpecBuilder.Build(Request(), "/c", "lamina", new CpuLimits(Quota: false)))
            .GetProperty("linux").GetProperty("resources").GetProperty("cpu").GetProperty("quota").GetInt64());
    }

    [Fact]
    public void Linux_section_isolates_and_limits()
    {
        var spec = SpecBuilder.Build(Request(), "/c", "lamina");
        Assert.Equal(["pid", "mount", "ipc", "uts", "network"], spec.Linux.Namespaces.Select(n => n.Type));
        Assert.Equal("/lamina/fn-1", spec.Linux.CgroupsPath);
        Assert.Equal(512L * 1024 * 1024, spec.Linux.Resources.Memory.Limit);
        Assert.Equal(1024, spec.Linux.Resources.Pids.Limit);
        Assert.Contains("/proc/kcore", spec.Linux.MaskedPaths);
        Assert.Contains("/proc/sys", spec.Linux.ReadonlyPaths);
        var tmp = spec.Mounts.Single(m => m.Destination == "/tmp");
        Assert.Contains("size=1024m", tmp.Options);
        Assert.Contains(spec.Mounts, m => m.Destination == "/run/lamina" && m.Source == "/c");

        var host = SpecBuilder.Build(Request() with { Network = NetworkMode.Host }, "/c", "lamina");
        Assert.DoesNotContain(host.Linux.Namespaces, n => n.Type == "network");
        Assert.DoesNotContain(host.Mounts, m => m.Destination == "/sys");
    }

    [Fact]
    public void Seccomp_denies_by_default_and_refuses_mount_ptrace_and_keys()
    {
        var seccomp = SeccompProfile.Build();
        Assert.Equal("SCMP_ACT_ERRNO", seccomp.DefaultAction);
        Assert.Equal(["SCMP_ARCH_X86_64"], seccomp.Architectures);
        var allowed = seccomp.Syscalls.Where(r => r.Action == "SCMP_ACT_ALLOW" && r.Args is null).SelectMany(r => r.Names).ToHashSet();
        Assert.Contains("read", allowed);
        Assert.Contains("execve", allowed);
        foreach (var name in new[] { "mount", "ptrace", "keyctl", "add_key", "unshare", "setns", "bpf", "kexec_load" })
        {
            Assert.DoesNotContain(name, allowed);
            Assert.Contains(seccomp.Syscalls, r => r.Action == "SCMP_ACT_ERRNO" && r.ErrnoRet == SeccompProfile.Eperm && r.Names.Contains(name));
        }
        var clone = seccomp.Syscalls.Single(r => r.Names.Contains("clone"));
        Assert.Equal("SCMP_CMP_MASKED_EQ", clone.Args!.Single().Op);
    }

    [Fact]
    public void Agent_mount_is_read_only()
    {
        var spec = SpecBuilder.Build(Request() with { Agent = new AgentMount("/usr/bin/agent") }, "/c", "lamina");
        var agent = spec.Mounts.Single(m => m.Destination == "/opt/lamina/lamina-init");
        Assert.Equal("/usr/bin/agent", agent.Source);
        Assert.Contains("ro", agent.Options);
    }

    [Fact]
    public void An_agent_that_loads_the_filter_gets_it_read_only_and_the_spec_has_none()
    {
        var agent = new AgentMount("/usr/bin/agent") { LoadsSeccomp = true };
        var request = Request() with { Agent = agent, InitPrefix = [agent.ContainerPath, "--control-socket", "/run/lamina/control.sock", "--"] };
        var spec = SpecBuilder.Build(request, "/c", "lamina", seccompFilter: "/data/seccomp/f.bpf");
        Assert.Null(spec.Linux.Seccomp);
        Assert.False(Json(spec).GetProperty("linux").TryGetProperty("seccomp", out _));
        Assert.Equal([agent.ContainerPath, "--seccomp", "/opt/lamina/lamina-init.seccomp", "--control-socket"], spec.Process.Args.Take(4));
        var filter = spec.Mounts.Single(m => m.Destination == "/opt/lamina/lamina-init.seccomp");
        Assert.Equal("/data/seccomp/f.bpf", filter.Source);
        Assert.Contains("ro", filter.Options);

        // Anything else keeps the runtime's filter: no filter file, an agent that does not load it, or one that is
        // mounted but not the first process.
        Assert.NotNull(SpecBuilder.Build(request, "/c", "lamina").Linux.Seccomp);
        Assert.NotNull(SpecBuilder.Build(request with { Agent = agent with { LoadsSeccomp = false } }, "/c", "lamina", seccompFilter: "/f").Linux.Seccomp);
        var notFirst = SpecBuilder.Build(request with { InitPrefix = [] }, "/c", "lamina", seccompFilter: "/f");
        Assert.NotNull(notFirst.Linux.Seccomp);
        Assert.DoesNotContain("--seccomp", notFirst.Process.Args);
        Assert.DoesNotContain(notFirst.Mounts, m => m.Destination.EndsWith(".seccomp", StringComparison.Ordinal));
    }

    [Fact]
    public void The_test_image_layers_exist() => Assert.Equal(2, TestImage.Layers.Count);
}
