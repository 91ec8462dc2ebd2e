using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Lamina.Agent.Tests;

/// <summary>
/// lamina-init started for real (<c>dotnet lamina-init.dll</c>) on free loopback ports, with its
/// stdout (the function log, which the runtime inherits) and stderr collected line by line.
/// </summary>
internal sealed class AgentProcess : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AgentProcess(Process process, bool readStdout = true)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { _stdout.Enqueue(e.Data); } };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _listening.TrySetException(new InvalidOperationException("lamina-init ended before listening:\n" + string.Join('\n', _stderr)));
                return;
            }
            _stderr.Enqueue(e.Data);
            if (e.Data.StartsWith("lamina-init: listening ", StringComparison.Ordinal))
            {
                _listening.TrySetResult(e.Data);
            }
        };
        if (readStdout)
        {
            process.BeginOutputReadLine();
        }
        process.BeginErrorReadLine();
    }

    /// <summary>Starts reading stdout (for an agent started with <c>readStdout: false</c>, whose log nobody read so far).</summary>
    public void StartReadingStdout() => _process.BeginOutputReadLine();

    public HttpClient Client { get; } = new() { Timeout = TimeSpan.FromMinutes(3) };

    /// <summary>host:port of the Runtime API.</summary>
    public string RuntimeApi { get; private set; } = "";

    public Uri InvokeBase { get; private set; } = new("http://127.0.0.1/");

    public IReadOnlyCollection<string> Stdout => _stdout;

    public IReadOnlyCollection<string> Stderr => _stderr;

    public Process Process => _process;

    /// <summary>Starts the agent with <paramref name="command"/> as the runtime and waits until it listens.</summary>
    /// <param name="executable">The program and leading arguments that run the agent (e.g. chroot DIR /lamina-init);
    /// default: the dll under dotnet, or $LAMINA_INIT_BINARY.</param>
    public static async Task<AgentProcess> StartAsync(IEnumerable<string> command, IDictionary<string, string>? env = null, string? workingDirectory = null, IEnumerable<string>? flags = null, bool waitForListening = true, IReadOnlyList<string>? executable = null, bool readStdout = true)
    {
        // LAMINA_INIT_BINARY runs the suite against a published (NativeAOT) lamina-init instead of the dll.
        var native = executable?[0] ?? Environment.GetEnvironmentVariable("LAMINA_INIT_BINARY");
        var info = new ProcessStartInfo(string.IsNullOrEmpty(native) ? DotnetHost() : native)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };
        if (executable is not null)
        {
            foreach (var arg in executable.Skip(1))
            {
                info.ArgumentList.Add(arg);
            }
        }
        else if (string.IsNullOrEmpty(native))
        {
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lamina-init.dll"));
        }
        foreach (var arg in flags ?? ["--runtime-api-address", "127.0.0.1:0", "--runtime-interface-emulator-address", "127.0.0.1:0"])
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var arg in command)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        var agent = new AgentProcess(Process.Start(info)!, readStdout);
        if (!waitForListening)
        {
            return agent;
        }
        var flagList = (flags ?? []).ToList();
        var control = flagList.IndexOf("--control-socket");
        if (control >= 0)
        {
            // Control-socket mode prints no "listening" line (it would land in the function's log): the
            // socket file appearing is the readiness signal, as the host's health poll sees it.
            await agent.WaitForSocketAsync(flagList[control + 1]);
            return agent;
        }
        var line = await agent._listening.Task.WaitAsync(Patience);
        agent.RuntimeApi = Field(line, "runtime-api=");
        if (line.Contains("invoke-api=", StringComparison.Ordinal))
        {
            agent.InvokeBase = new Uri($"http://{Field(line, "invoke-api=")}/");
        }
        return agent;
    }

    private async Task WaitForSocketAsync(string path)
    {
        var deadline = DateTime.UtcNow + Patience;
        // The file appears at bind(2), a moment before listen(2): ready means a connection is accepted.
        while (!File.Exists(path) || !await AcceptsAsync(path))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"lamina-init did not listen on {path}:\n" + string.Join('\n', _stderr));
            }
            await Task.Delay(10);
        }
    }

    private static async Task<bool> AcceptsAsync(string path)
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>The python test runtime (fixtures/runtime.py) as the command.</summary>
    public static Task<AgentProcess> StartPythonAsync(IDictionary<string, string>? env = null, bool readStdout = true) =>
        StartAsync([Tools.Python(), Path.Combine(AppContext.BaseDirectory, "fixtures", "runtime.py")], env, readStdout: readStdout);

    /// <summary>POSTs an invoke for function <paramref name="name"/>.</summary>
    public async Task<HttpResponseMessage> InvokeAsync(string json, string name = "function", Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(InvokeBase, $"2015-03-31/functions/{name}/invocations"))
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        headers?.Invoke(request.Headers);
        return await Client.SendAsync(request);
    }

    /// <summary>Waits for the agent to exit; its exit code.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Patience);
        return _process.ExitCode;
    }

    /// <summary>Waits until at least <paramref name="count"/> stdout lines match (stdout is read on another
    /// thread, so a line can arrive after the HTTP answer that followed it); the number that match then.</summary>
    public async Task<int> WaitForStdoutCountAsync(Func<string, bool> match, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (_stdout.Count(match) < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        await Task.Delay(100); // let a surplus line show up, so equality checks can catch it
        return _stdout.Count(match);
    }

    /// <summary>Waits until a stdout line satisfies <paramref name="match"/>.</summary>
    public Task<string> WaitForStdoutAsync(Func<string, bool> match) => WaitForLineAsync(_stdout, "stdout", match);

    /// <summary>Waits until a stderr line satisfies <paramref name="match"/> (the agent writes some diagnostics from the
    /// thread pool, and stderr is read on another thread: a line can arrive after the answer and REPORT).</summary>
    public Task<string> WaitForStderrAsync(Func<string, bool> match) => WaitForLineAsync(_stderr, "stderr", match);

    private async Task<string> WaitForLineAsync(ConcurrentQueue<string> lines, string name, Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < deadline)
        {
            var hit = lines.FirstOrDefault(match);
            if (hit is not null)
            {
                return hit;
            }
            await Task.Delay(20);
        }
        throw new TimeoutException($"no matching line in lamina-init {name}:\n" + string.Join('\n', _stdout) + "\nstderr:\n" + string.Join('\n', _stderr));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static string Field(string line, string name)
    {
        var start = line.IndexOf(name, StringComparison.Ordinal) + name.Length;
        var end = line.IndexOf(' ', start);
        return end < 0 ? line[start..] : line[start..end];
    }

    internal static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
