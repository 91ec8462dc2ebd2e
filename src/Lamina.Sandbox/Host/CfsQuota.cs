namespace Lamina.Sandbox.Host;

/// <summary>
/// A sandbox's CFS quota in the cgroup v1 cpu hierarchy (<c>cpu.cfs_quota_us</c>), written directly like the
/// freezer: runc 1.1's <c>runc update</c> would cost a process start and a Go runtime for one file write.
/// </summary>
internal static class CfsQuota
{
    /// <summary>The sandbox's cpu.cfs_quota_us path.</summary>
    public static string QuotaFile(string parent, string id) => Path.Combine(CgroupV1.Root, "cpu", parent, id, "cpu.cfs_quota_us");

    /// <summary>Writes the quota and reads it back; null on success, else why not.</summary>
    public static async Task<string?> WriteAsync(string parent, string id, long quotaUs)
    {
        var file = QuotaFile(parent, id);
        try
        {
            await File.WriteAllTextAsync(file, quotaUs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var back = (await File.ReadAllTextAsync(file)).Trim();
            return back == quotaUs.ToString(System.Globalization.CultureInfo.InvariantCulture)
                ? null : $"{file} reads {back} after {quotaUs} was written";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {file}: {e.Message}";
        }
    }
}
