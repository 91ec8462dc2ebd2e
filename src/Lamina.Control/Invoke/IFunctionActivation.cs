using Lamina.Control.Domain;

namespace Lamina.Control.Invoke;

/// <summary>
/// Implemented by an <see cref="IFunctionInvoker"/> that prepares for invokes ahead of demand (the scheduler's
/// prewarm). The state worker calls it right after it committed a function's $LATEST as Active with
/// LastUpdateStatus Successful (created, or code or configuration updated), so the preparation starts then
/// rather than at the invoker's next periodic look at control.db.
/// </summary>
public interface IFunctionActivation
{
    /// <summary>
    /// <paramref name="latest"/> is the $LATEST configuration just committed (Active, Successful, image digest
    /// recorded). Never throws; returns at once (the work runs in the background). A later commit supersedes it:
    /// the implementation keys its work by the configuration's revision.
    /// </summary>
    void FunctionActivated(FunctionConfig latest);
}
