using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Lamina.Runtimes.Tests.Fixtures;

/// <summary>
/// An unpacked image run the way <c>docker run -p 9000:8080 IMAGE HANDLER</c> runs it: the image's ENTRYPOINT
/// (/lambda-entrypoint.sh) with the handler as its argument, the image's Env, WORKDIR /var/task, inside the
/// rootfs (chroot in fresh mount and PID namespaces, /proc and /dev mounted). AWS_LAMBDA_RUNTIME_API is unset,
/// so the entrypoint starts lamina-init as the emulator; the test plays curl. Ports are free ones on loopback
/// (LAMINA_RIE_ADDRESS / LAMINA_RUNTIME_API_ADDRESS) instead of 8080/9001, since the host's network is shared.
/// </summary>
public sealed class RunningImage : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly HttpClient http = new() { Timeout = TimeSpan.FromMinutes(2) };

    private RunningImage(Process process, int port)
    {
        this.process = process;
        InvokeUri = new Uri($"http://127.0.0.1:{port}/2015-03-31/functions/function/invocations");
    }

    public Uri InvokeUri { get; }

    /// <summary>What the emulator and the function wrote (stdout and stderr, interleaved by line).</summary>
    public string Output { get { lock (output) return output.ToString(); } }

    public static RunningImage Start(string rootfs, IEnumerable<string> imageEnv, params string[] cmd)
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["--mount", "--pid", "--fork", "--kill-child", "--", "sh", "-c",
                     "mount -t proc proc \"$0/proc\" && mount --rbind /dev \"$0/dev\" && exec chroot \"$0\" /usr/bin/env -C /var/task -i \"$@\"", rootfs])
            psi.ArgumentList.Add(a);
        foreach (var e in imageEnv) psi.ArgumentList.Add(e);
        psi.ArgumentList.Add($"LAMINA_RIE_ADDRESS=127.0.0.1:{port}");
        psi.ArgumentList.Add($"LAMINA_RUNTIME_API_ADDRESS=127.0.0.1:{FreePort()}");
        psi.ArgumentList.Add("/lambda-entrypoint.sh");
        foreach (var c in cmd) psi.ArgumentList.Add(c);
        var process = Process.Start(psi) ?? throw new InvalidOperationException("unshare did not start");
        var running = new RunningImage(process, port);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (running.output) running.output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (running.output) running.output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>POSTs <paramref name="payload"/> to the invoke URL, retrying while the emulator is still starting.</summary>
    public async Task<(HttpStatusCode Status, string Body, string? FunctionError)> InvokeAsync(string payload)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            try
            {
                using var response = await http.PostAsync(InvokeUri, new StringContent(payload, Encoding.UTF8, "application/json"));
                var error = response.Headers.TryGetValues("X-Amz-Function-Error", out var v) ? v.Single() : null;
                return (response.StatusCode, await response.Content.ReadAsStringAsync(), error);
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (HttpRequestException e)
            {
                throw new InvalidOperationException($"the emulator did not answer ({e.Message}); output:\n{Output}", e);
            }
        }
    }

    /// <summary>Waits until <paramref name="text"/> appears in the output (the function's log is asynchronous).</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        for (var i = 0; i < 600 && !Output.Contains(text, StringComparison.Ordinal); i++) await Task.Delay(100);
        return Output;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        http.Dispose();
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
