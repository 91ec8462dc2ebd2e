using System.Text.RegularExpressions;
using Lamina.Agent.Emulator;

namespace Lamina.Agent.Tests.Emulator;

/// <summary>Max Memory Used from the agent's own cgroup (v2 memory.peak, v1 memory.max_usage_in_bytes).</summary>
public sealed class CgroupMemoryTests
{
    [Fact]
    public void V2_peak_is_found_at_the_root_or_under_unified_and_preferred_over_v1()
    {
        const string membership = "4:memory:/box/a\n0::/box/a\n";
        var atRoot = CgroupMemory.Locate(membership, "/r", p => p == "/r/box/a/memory.peak" || p.EndsWith("max_usage_in_bytes", StringComparison.Ordinal));
        var hybrid = CgroupMemory.Locate(membership, "/r", p => p == "/r/unified/box/a/memory.peak");
        var v1Only = CgroupMemory.Locate(membership, "/r", p => p == "/r/memory/box/a/memory.max_usage_in_bytes");
        var combined = CgroupMemory.Locate("5:cpu,memory:/\n", "/r", p => p == "/r/memory/memory.max_usage_in_bytes");
        var none = CgroupMemory.Locate("garbage\n1:cpu:/x\n", "/r", _ => true);

        Assert.Equal("/r/box/a/memory.peak", atRoot!.PeakFile);
        Assert.Equal("/r/unified/box/a/memory.peak", hybrid!.PeakFile);
        Assert.Equal("/r/memory/box/a/memory.max_usage_in_bytes", v1Only!.PeakFile);
        Assert.Equal("/r/memory/memory.max_usage_in_bytes", combined!.PeakFile);
        Assert.Null(none);
    }

    [Fact]
    public void Peak_is_rounded_up_to_whole_megabytes_and_unreadable_files_give_null()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "10485761\n");
            Assert.Equal(11, new CgroupMemory(file).PeakMegabytes());
            File.WriteAllText(file, "max\n");
            Assert.Null(new CgroupMemory(file).PeakMegabytes());
        }
        finally
        {
            File.Delete(file);
        }
        Assert.Null(new CgroupMemory(file).PeakMegabytes());
    }

    [Fact]
    public void Bad_memory_source_is_a_clear_error()
    {
        EmulatorOptions.Parse(["x"], n => n == "LAMINA_MAX_MEMORY_SOURCE" ? "ram" : null, _ => false, out var error);
        var cgroup = EmulatorOptions.Parse(["x"], n => n == "LAMINA_MAX_MEMORY_SOURCE" ? "cgroup" : null, _ => false, out var ok);

        Assert.Equal("LAMINA_MAX_MEMORY_SOURCE must be 'cgroup' or 'proc', got 'ram'", error);
        Assert.Null(ok);
        Assert.True(cgroup.MemoryFromCgroup);
    }

    [Fact]
    public async Task Report_uses_the_cgroup_peak_when_the_host_asks_for_it()
    {
        // The agent runs in the test's cgroup, whose peak includes the whole test host: far above the runtime's own VmHWM.
        var cgroup = CgroupMemory.ForSelf();
        Assert.True(cgroup?.PeakMegabytes() is not null, "this test needs a readable cgroup memory peak (cgroup v1 or v2 memory controller)");
        var before = cgroup!.PeakMegabytes()!.Value;
        await using var agent = await AgentProcess.StartPythonAsync(new Dictionary<string, string> { ["LAMINA_MAX_MEMORY_SOURCE"] = "cgroup" });

        using var response = await agent.InvokeAsync("{}");
        var id = response.Headers.GetValues("X-Amzn-RequestId").Single();
        var report = await agent.WaitForStdoutAsync(l => l.StartsWith($"REPORT RequestId: {id}\t", StringComparison.Ordinal));

        var used = int.Parse(Regex.Match(report, @"Max Memory Used: (\d+) MB").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(used >= before, $"reported {used} MB, cgroup peak before the invoke was {before} MB");
    }
}
