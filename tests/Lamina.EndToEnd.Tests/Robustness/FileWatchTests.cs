using Lamina.EndToEnd.Tests.Infrastructure;
using Lamina.EndToEnd.Tests.Registries;

namespace Lamina.EndToEnd.Tests.Robustness;

/// <summary>
/// The server reads no configuration files, so it must not watch any: ASP.NET's default config reload
/// watches the content root recursively with inotify and lstat()s every file that changes below it,
/// which cost measurable CPU when a pull wrote under the server's working directory.
/// </summary>
public sealed class FileWatchTests
{
    [Fact]
    public async Task The_server_process_holds_no_inotify_watch()
    {
        using var data = new TempDirectory("lamina-e2e-watch-");
        await using var server = await LaminaRegistry.StartAsync(data.Path, authEnabled: false);
        var inotify = Directory.EnumerateFileSystemEntries($"/proc/{server.ProcessId}/fd")
            .Select(fd => new FileInfo(fd).LinkTarget)
            .Count(target => target is not null && target.Contains("inotify", StringComparison.Ordinal));
        Assert.Equal(0, inotify);
    }
}
