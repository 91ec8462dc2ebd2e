using System.Globalization;

namespace Lamina.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Whether a given process holds the listening socket of a loopback TCP port — so a server started
/// on a port picked beforehand is known to be the one answering, not another test's server that
/// won the race for the same port.
/// </summary>
public static class PortOwner
{
    public static bool IsListening(int pid, int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
            }
        }
        catch (IOException)
        {
            return false; // exited
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 10 || f[3] != "0A") continue; // 0A = LISTEN
                var localPort = int.Parse(f[1][(f[1].IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (localPort == port && inodes.Contains(f[9])) return true;
            }
        }
        return false;
    }
}
