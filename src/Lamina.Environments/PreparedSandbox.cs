using Lamina.Sandbox;

namespace Lamina.Environments;

/// <summary>
/// A sandbox made ahead of demand for one function configuration (a "spare"): created by runc and, unless
/// prepared with <see cref="SpareStage.Created"/>, started with lamina-init answering on its control socket
/// and then frozen. No runtime has run in it yet: <see cref="EnvironmentFactory.InitAsync"/> turns it into an
/// <see cref="ExecutionEnvironment"/> (the function's init phase), <see cref="EnvironmentFactory.DiscardAsync"/>
/// destroys it. Taken at most once.
/// </summary>
public sealed class PreparedSandbox
{
    private int _taken;

    internal PreparedSandbox(SandboxHandle sandbox, ControlClient control, FunctionConfig function, double createMs, double startMs, double readyMs)
    {
        Sandbox = sandbox;
        Control = control;
        Function = function;
        CreateMs = createMs;
        StartMs = startMs;
        ReadyMs = readyMs;
    }

    /// <summary>The sandbox underneath (Created, or Frozen with the agent ready).</summary>
    public SandboxHandle Sandbox { get; }

    /// <summary>The configuration the sandbox was created with (its config.json).</summary>
    public FunctionConfig Function { get; }

    internal ControlClient Control { get; }

    internal double CreateMs { get; }

    internal double StartMs { get; }

    internal double ReadyMs { get; }

    /// <summary>Made on the invoke path (not ahead of demand): its whole preparation counts as on-path time.</summary>
    internal bool OnDemand { get; set; }

    /// <summary>True once its process has exited (a spare that died is discarded, not used).</summary>
    public bool Exited => Sandbox.Exited.IsCompleted;

    /// <summary>Claims the spare; false when it was already taken (initialised or discarded).</summary>
    internal bool TryTake() => Interlocked.Exchange(ref _taken, 1) == 0;
}

/// <summary>How far a spare is made ahead of demand.</summary>
public enum SpareStage
{
    /// <summary>runc create done; the invoke path pays runc start + agent ready.</summary>
    Created,

    /// <summary>Started, lamina-init answering, frozen; the invoke path pays a thaw.</summary>
    AgentReady,
}
