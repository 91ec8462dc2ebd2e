using System.Diagnostics;
using Lamina.RuntimeSupport.Tests.Fixtures;

namespace Lamina.RuntimeSupport.Tests.Emulator;

/// <summary>A runtime started outside any Lambda environment says so and exits, instead of hanging or crashing obscurely.</summary>
public sealed class StandaloneTests
{
    [Theory]
    [InlineData("managed")]
    [InlineData("aot")]
    public async Task Without_AWS_LAMBDA_RUNTIME_API_the_runtime_exits_non_zero_naming_the_variable(string kind)
    {
        var info = kind == "aot"
            ? new ProcessStartInfo(AotSample.Path, "hello")
            : new ProcessStartInfo("/usr/bin/dotnet", [Runtime.ManagedSample, Runtime.HelloHandler]);
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        info.Environment.Remove("AWS_LAMBDA_RUNTIME_API");
        using var process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains("AWS_LAMBDA_RUNTIME_API is not set", await stderr, StringComparison.Ordinal);
    }
}
