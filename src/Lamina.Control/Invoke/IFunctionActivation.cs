using Lamina.Control.Domain;

namespace Lamina.Control.Invoke;

/// <summary>
/// Implemented by an <see cref="IFunctionInvoker"/> that prepares for invokes ahead of demand (the scheduler's
/// prewarm). Told, after the commit, of every configuration that has just become invokable: the state worker of a
/// function's $LATEST committed as Active with LastUpdateStatus Successful (created, or code or configuration
/// updated); the API of a published version (PublishVersion, also when it answers with the newest version
/// unchanged) and of the published versions an alias routes to (CreateAlias, UpdateAlias). So the preparation starts
/// then rather than at the invoker's next periodic look at control.db (which only covers $LATEST).
/// </summary>
public interface IFunctionActivation
{
    /// <summary>
    /// <paramref name="config"/> is the configuration just committed ($LATEST or a published version: Active,
    /// Successful, image digest recorded). Never throws; returns at once (the work runs in the background). Telling
    /// it twice of one configuration is harmless; a later commit supersedes it: the implementation keys its work by
    /// the configuration's version and revision.
    /// </summary>
    void FunctionActivated(FunctionConfig config);
}
