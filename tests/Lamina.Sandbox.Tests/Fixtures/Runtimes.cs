namespace Lamina.Sandbox.Tests.Fixtures;

/// <summary>
/// The OCI runtimes every hardening and lifecycle test runs against: a property that holds under runc must hold
/// under crun too (Execution:Runtime), so those tests take the runtime as a parameter instead of being copied.
/// </summary>
public static class Runtimes
{
    /// <summary>runc and crun.</summary>
    public static TheoryData<OciRuntime> Both => new(OciRuntimes.All);

    /// <summary>Every row of <paramref name="rows"/> under each runtime.</summary>
    public static TheoryData<OciRuntime, string, string> Cross(params (string, string)[] rows)
    {
        var data = new TheoryData<OciRuntime, string, string>();
        foreach (var runtime in OciRuntimes.All)
            foreach (var (a, b) in rows) data.Add(runtime, a, b);
        return data;
    }

    /// <summary>The runtime's executable, for tests that run it directly (runc/crun state).</summary>
    public static string PathOf(OciRuntime runtime) => runtime.DefaultPath();
}
