using System.Diagnostics;
using System.Text;
using Lamina.Environments.Tests.Fixtures;

namespace Lamina.Bench.Coldstart;

/// <summary>
/// The peer: the same OCI image copied into dockerd by skopeo, run with `docker run -d --network none`,
/// the same lamina-init bind-mounted read-only as entrypoint and its control socket in a bind-mounted
/// directory; timed from the CLI invocation through agent healthy, init and the first invoke.
/// </summary>
internal static class DockerColdstart
{
    public static async Task<Stats> MeasureAsync(string host, string layout, string agent, string work, int runs)
    {
        Tool.Run("/usr/bin/skopeo", "copy", "--dest-daemon-host", host, $"oci:{layout}:v1", "docker-daemon:lamina-coldstart:v1");
        var stats = new Stats();
        var payload = Encoding.UTF8.GetBytes("""{"hello":"world"}""");
        for (var i = -3; i < runs; i++)
        {
            var control = Path.Combine(work, "docker-control-" + (i + 3));
            Directory.CreateDirectory(control);
            Tool.Run("/usr/bin/chown", "993:990", control);
            var socket = Path.Combine(control, "control.sock");
            using var http = ControlSocket.Client(socket);
            var clock = Stopwatch.StartNew();
            var id = Tool.Run("/usr/bin/docker", "-H", host, "run", "-d", "--network", "none", "--read-only", "--user", "993:990",
                "--tmpfs", "/tmp", "-v", agent + ":/opt/lamina/lamina-init:ro", "-v", control + ":/run/lamina",
                "-e", "AWS_LAMBDA_RUNTIME_API=127.0.0.1:9001", "-e", "AWS_LAMBDA_FUNCTION_TIMEOUT=30", "-e", "AWS_LAMBDA_FUNCTION_NAME=bench-fn",
                "--entrypoint", "/opt/lamina/lamina-init", "lamina-coldstart:v1",
                "--control-socket", "/run/lamina/control.sock", "--", "/var/task/bootstrap").Trim();
            var runMs = clock.Elapsed.TotalMilliseconds;
            await ControlSocket.WaitHealthyAsync(http, socket, TimeSpan.FromSeconds(60));
            var readyMs = clock.Elapsed.TotalMilliseconds;
            using (var init = await http.PostAsync(new Uri("lamina/v1/init", UriKind.Relative), new ByteArrayContent([])))
                if (!(await init.Content.ReadAsStringAsync()).Contains("\"ready\"", StringComparison.Ordinal)) throw new InvalidOperationException("docker: init failed");
            var initMs = clock.Elapsed.TotalMilliseconds;
            using (var invoke = await http.PostAsync(new Uri("2015-03-31/functions/bench-fn/invocations", UriKind.Relative), new ByteArrayContent(payload)))
                if (!invoke.IsSuccessStatusCode) throw new InvalidOperationException("docker: invoke failed");
            var answerMs = clock.Elapsed.TotalMilliseconds;
            var rm = Stopwatch.StartNew();
            Tool.Run("/usr/bin/docker", "-H", host, "rm", "-f", id);
            var rmMs = rm.Elapsed.TotalMilliseconds;
            Directory.Delete(control, true);
            if (i < 0) continue;
            stats.Add("docker run -d returns", runMs);
            stats.Add("= container ready (run → agent healthy)", readyMs);
            stats.Add("runtime init (POST /lamina/v1/init)", initMs - readyMs);
            stats.Add("first invoke", answerMs - initMs);
            stats.Add("= run → first answer", answerMs);
            stats.Add("docker rm -f", rmMs);
        }
        return stats;
    }
}
