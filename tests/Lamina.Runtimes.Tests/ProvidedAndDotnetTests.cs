using System.Net;
using Lamina.Runtimes.Tests.Fixtures;

namespace Lamina.Runtimes.Tests;

[Collection(BuiltRuntimesCollection.Name)]
public sealed class ProvidedAndDotnetTests(BuiltRuntimes built)
{
    // A custom runtime in bash alone (minbase has no curl): the Runtime API over /dev/tcp, one request per connection.
    private const string BashBootstrap = """
        #!/bin/bash
        set -eu
        api="$AWS_LAMBDA_RUNTIME_API"
        while true; do
          exec 3<>"/dev/tcp/${api%:*}/${api##*:}"
          printf 'GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$api" >&3
          id=""; len=0
          while IFS= read -r line <&3; do
            line="${line%$'\r'}"
            [ -z "$line" ] && break
            case "${line,,}" in
              lambda-runtime-aws-request-id:*) id="${line#*: }" ;;
              content-length:*) len="${line#*: }" ;;
            esac
          done
          body=""
          [ "$len" -gt 0 ] && read -r -N "$len" body <&3
          exec 3<&-
          echo "bash runtime got $body for $_HANDLER"
          answer="{\"echo\":$body,\"handler\":\"$_HANDLER\"}"
          exec 3<>"/dev/tcp/${api%:*}/${api##*:}"
          printf 'POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' "$id" "$api" "${#answer}" "$answer" >&3
          cat <&3 >/dev/null
          exec 3<&-
        done
        """;

    [Fact]
    public async Task ProvidedRunsTheTaskRootBootstrap()
    {
        var rootfs = built.Rootfs("provided");
        var bootstrap = Path.Combine(rootfs, "var", "task", "bootstrap");
        File.WriteAllText(bootstrap, BashBootstrap.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        File.SetUnixFileMode(bootstrap, (UnixFileMode)0x1ED);
        await using var image = RunningImage.Start(rootfs, built.Env("provided"), "function.handler");
        var (status, body, error) = await image.InvokeAsync("""{"n":1}""");
        Assert.True(status == HttpStatusCode.OK && error is null, $"{status} {error} {body}\n{image.Output}");
        Assert.Equal("""{"echo":{"n":1},"handler":"function.handler"}""", body);
        Assert.Contains("bash runtime got {\"n\":1} for function.handler", await image.WaitForOutputAsync("bash runtime got"));
    }

    [Fact]
    public void DotnetImageRunsTheSharedRuntime()
    {
        var rootfs = built.Rootfs("dotnet");
        var output = Lamina.Environments.Tests.Fixtures.Tool.Run("/usr/sbin/chroot", rootfs, "/usr/bin/env", "-i", "DOTNET_ROOT=/usr/lib/dotnet", "/usr/bin/dotnet", "--list-runtimes");
        Assert.Matches(@"Microsoft\.NETCore\.App 10\.\d+\.\d+ \[/usr/lib/dotnet/shared/Microsoft\.NETCore\.App\]", output);
        Assert.True(File.Exists(Path.Combine(rootfs, "var", "runtime", "bootstrap")));
        Assert.True(File.Exists(Path.Combine(rootfs, "opt", "lamina", "lamina-init")));
    }
}
