namespace Lamina.Sandbox.Tests.Fixtures;

/// <summary>
/// One manager per test with its own data directory and cgroup parent, so tests run in parallel
/// and clean up fully — even when an assertion fails midway.
/// </summary>
internal sealed class SandboxHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly List<SandboxHandle> _sandboxes = [];
    private readonly CpuLimits _cpu;
    private readonly bool _seccompInAgent;

    public SandboxHarness(CpuLimits? cpu = null, OciRuntime runtime = OciRuntime.Runc, bool seccompInAgent = true)
    {
        _cpu = cpu ?? CpuLimits.Default;
        _seccompInAgent = seccompInAgent;
        Runtime = runtime;
        var path = runtime.DefaultPath();
        if (!File.Exists(path)) throw new InvalidOperationException($"{runtime.Name()} missing at {path}: apt-get install -y {runtime.Name()}");
        var tag = Guid.NewGuid().ToString("N")[..10];
        DataDirectory = Directory.CreateTempSubdirectory("lamina-sbx-").FullName;
        CgroupParent = "lamina-test-" + tag;
        Manager = new SandboxManager(Options);
    }

    public string DataDirectory { get; }
    public string CgroupParent { get; }
    public OciRuntime Runtime { get; }
    public SandboxManagerOptions Options => new(DataDirectory, CgroupParent) { Cpu = _cpu, Runtime = Runtime, SeccompInAgent = _seccompInAgent };

    /// <summary>The runtime's state directory (its --root).</summary>
    public string RuntimeRoot => Manager.Layout.RuntimeRoot(Runtime);
    public SandboxManager Manager { get; }

    public static string NewId() => "t-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Where the harness's default first process (the filter loader) appears in the sandbox.</summary>
    public const string LoaderPath = "/opt/lamina/seccomp-init";

    /// <summary>
    /// A request for <paramref name="cmd"/>, started by the filter loader the way lamina-init starts a function: the
    /// manager hands it the precompiled seccomp filter and the spec carries none (SandboxManagerOptions.SeccompInAgent).
    /// </summary>
    public static SandboxRequest Request(params string[] cmd) => new(
        NewId(), TestImage.Layers, new ImageProcessConfig(null, cmd, "/", ["FROM_IMAGE=yes"]), null,
        new LambdaEnvironment("probe-fn", "$LATEST", "us-east-1", "app.handler"), null)
    {
        Agent = new AgentMount(TestImage.LoaderHostPath, LoaderPath) { LoadsSeccomp = true },
        InitPrefix = [LoaderPath],
    };

    public async Task<SandboxHandle> StartAsync(SandboxRequest request)
    {
        var created = await Manager.CreateAsync(request);
        Assert.True(created.Ok, created.Error?.ToString());
        _sandboxes.Add(created.Value);
        Assert.Null(await Manager.StartAsync(created.Value));
        return created.Value;
    }

    public Task<SandboxHandle> StartAsync(params string[] cmd) => StartAsync(Request(cmd));

    /// <summary>Runs a command to completion; returns how it ended and its stdout + stderr.</summary>
    public async Task<(SandboxExit Exit, string Output)> RunAsync(SandboxRequest request)
    {
        var sandbox = await StartAsync(request);
        var exit = await Manager.WaitForExitAsync(sandbox).WaitAsync(Patience);
        return (exit, Output(sandbox));
    }

    public Task<(SandboxExit Exit, string Output)> RunAsync(params string[] cmd) => RunAsync(Request(cmd));

    /// <summary>Runs a busybox shell script.</summary>
    public async Task<string> ShellAsync(string script) => (await RunAsync("/bin/sh", "-c", script)).Output;

    public static string Output(SandboxHandle s) => File.ReadAllText(s.StdoutPath) + File.ReadAllText(s.StderrPath);

    /// <summary>Polls until <paramref name="condition"/> holds (generous timeout, no timing assertion).</summary>
    public static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("timed out waiting for " + what);
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _sandboxes) await Manager.DestroyAsync(s);
        await new SandboxManager(Options).RecoverAsync();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
        SandboxCgroups.RemoveParentIfEmpty(CgroupParent);
    }
}
