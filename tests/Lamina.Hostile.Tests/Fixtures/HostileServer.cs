using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lamina.Environments.Tests.Fixtures;
using Lamina.Scheduler;
using Lamina.Scheduler.Tests.Fixtures;
using Lamina.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lamina.Hostile.Tests.Fixtures;

/// <summary>
/// A real Lamina server with execution on (port 0, temporary data directory, its own cgroup parent, auth off
/// so invokes are plain HTTP and cheap to time), and the hostile image (the test image's base layer with
/// hostile-runtime.c as its bootstrap) pushed by skopeo as hostile/rt:v1. Functions are created through the
/// Lambda API on first use. Once per test class.
/// </summary>
public sealed class HostileServer : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-hostile-").FullName;
    private readonly HashSet<string> _created = [];

    public LaminaHost Host { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;
    public global::Lamina.Scheduler.Scheduler Scheduler => Host.Services.GetRequiredService<global::Lamina.Scheduler.Scheduler>();
    public string CgroupParent { get; } = "lamina-hostile-" + Guid.NewGuid().ToString("N")[..10];
    public string DataDir => Path.Combine(_dir, "data");

    /// <summary>A scratch directory on the host for the tests' own files (secrets the functions must not see).</summary>
    public string Scratch => Path.Combine(_dir, "scratch");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Scratch);
        var layout = Path.Combine(_dir, "layout");
        TestImage.WriteLayout(layout, AgentBinary.Path, "v1", runtimeSource: "hostile-runtime.c");
        Host = LaminaHost.Create(new LaminaOptions
        {
            Port = 0,
            DataDir = DataDir,
            AuthEnabled = false,
            Execution = WithCpuSettings(new ExecutionOptions
            {
                Enabled = true, AgentBinary = AgentBinary.Path, CgroupParent = CgroupParent,
                // LAMINA_HOSTILE_RUNTIME=crun runs every hostile probe against crun sandboxes (docs/sandbox.md, "Runtimes").
                Runtime = Environment.GetEnvironmentVariable("LAMINA_HOSTILE_RUNTIME") ?? "runc",
            }),
        }, l => l.SetMinimumLevel(LogLevel.Warning));
        await Host.StartAsync();
        Http = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        Tool.Run("/usr/bin/skopeo", "copy", "--dest-tls-verify=false", "--preserve-digests",
            $"oci:{layout}:v1", $"docker://{Host.BaseAddress.Authority}/hostile/rt:v1");
    }

    /// <summary>
    /// bench/hostile/neighbour.sh compares CPU settings through LAMINA_HOSTILE_CPU: "quota=off" (shares only) or
    /// "floor=V" (e.g. 0.01: Lambda's exact proportion). Unset: the defaults, which the tests assert on.
    /// </summary>
    private static ExecutionOptions WithCpuSettings(ExecutionOptions execution)
    {
        var setting = Environment.GetEnvironmentVariable("LAMINA_HOSTILE_CPU");
        if (setting == "quota=off") execution.CpuQuota = false;
        else if (setting?.StartsWith("floor=", StringComparison.Ordinal) == true)
            execution.CpuFloorVcpus = double.Parse(setting["floor=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        else if (setting is not null) throw new InvalidOperationException($"LAMINA_HOSTILE_CPU={setting}: expected quota=off or floor=V");
        return execution;
    }

    /// <summary>Creates the function (once per name) from hostile/rt:v1 and waits until it is Active.</summary>
    public async Task EnsureFunctionAsync(string name, int memoryMb = 128, int timeoutSeconds = 10, int ephemeralMb = 512)
    {
        if (_created.Contains(name)) return;
        using var create = await Http.PostAsJsonAsync("/2015-03-31/functions", new
        {
            FunctionName = name,
            PackageType = "Image",
            Code = new { ImageUri = $"{Host.BaseAddress.Authority}/hostile/rt:v1" },
            Role = "arn:aws:iam::123456789012:role/lambda-role",
            Timeout = timeoutSeconds,
            MemorySize = memoryMb,
            EphemeralStorage = new { Size = ephemeralMb },
        }, AwsJson);
        Assert.True(create.IsSuccessStatusCode, $"create {name}: {(int)create.StatusCode} {await create.Content.ReadAsStringAsync()}");
        var clock = Stopwatch.StartNew();
        while (true)
        {
            using var get = await Http.GetAsync($"/2015-03-31/functions/{name}/configuration");
            var state = JsonDocument.Parse(await get.Content.ReadAsStringAsync()).RootElement.GetProperty("State").GetString();
            if (state == "Active") break;
            Assert.True(state == "Pending" && clock.Elapsed < TimeSpan.FromMinutes(2), $"{name} is {state}");
            await Task.Delay(100);
        }
        _created.Add(name);
    }

    // AWS's wire names are PascalCase, as declared.
    private static readonly JsonSerializerOptions AwsJson = new();

    /// <summary>Invokes <paramref name="name"/> with the event "ATTACK ARG…" (a JSON string) through the Lambda API.</summary>
    public async Task<Answer> InvokeAsync(string name, string attack)
    {
        using var content = new StringContent(JsonSerializer.Serialize(attack), Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync($"/2015-03-31/functions/{name}/invocations", content);
        var body = await response.Content.ReadAsStringAsync();
        var error = response.Headers.TryGetValues("X-Amz-Function-Error", out var e) ? e.First() : null;
        return new Answer((int)response.StatusCode, error, body);
    }

    /// <summary>
    /// The sandboxes of <paramref name="function"/>'s idle environments (the ones that served an invoke; spares
    /// made ahead of demand are not among them), with their host pids.
    /// </summary>
    public IReadOnlyList<Lamina.Sandbox.SandboxHandle> SandboxesOf(string function) =>
        Scheduler.IdleSandboxIds(function)
            .Select(Scheduler.Manager.Find)
            .OfType<Lamina.Sandbox.SandboxHandle>()
            .Where(s => s.Pid > 0 && !s.Exited.IsCompleted && IsOf(s, function))
            .ToList();

    private static bool IsOf(Lamina.Sandbox.SandboxHandle sandbox, string function)
    {
        try { return File.ReadAllText($"/proc/{sandbox.Pid}/environ").Contains($"AWS_LAMBDA_FUNCTION_NAME={function}\0", StringComparison.Ordinal); }
        catch (IOException) { return false; }
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (Host is not null) await Host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Leftovers.CleanAsync(DataDir, CgroupParent);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>One invoke's HTTP answer; <see cref="Results"/> are the hostile runtime's findings.</summary>
public sealed record Answer(int StatusCode, string? FunctionError, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public IReadOnlyList<string> Results => Json.GetProperty("results").EnumerateArray().Select(r => r.GetString()!).ToList();

    /// <summary>The finding for <paramref name="what"/> (e.g. "mount-tmpfs errno=EPERM"); fails when absent.</summary>
    public string Of(string what) =>
        Results.FirstOrDefault(r => r.StartsWith(what + " ", StringComparison.Ordinal)) ?? throw new Xunit.Sdk.XunitException($"no result for {what} in {Body}");

    public override string ToString() => $"{StatusCode} {FunctionError} {Body}";
}
