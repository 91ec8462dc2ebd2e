using Lamina.Control.Domain;

namespace Lamina.Control.Storage;

/// <summary>Provisioned concurrency configurations, one per (function, version or alias).</summary>
public sealed partial class ControlSession
{
    public ProvisionedConcurrencyConfig? Provisioned(string function, string qualifier) =>
        Child<ProvisionedConcurrencyConfig>("provisioned_concurrency", "qualifier", function, qualifier);

    /// <summary>The function's configurations in qualifier order.</summary>
    public List<ProvisionedConcurrencyConfig> ProvisionedOf(string function) =>
        Children<ProvisionedConcurrencyConfig>("provisioned_concurrency", "qualifier", function);

    /// <summary>Every configuration of every function (the scheduler's reconcile reads it).</summary>
    public List<(string Function, ProvisionedConcurrencyConfig Config)> AllProvisioned() =>
        _c.Query(_tx, "SELECT function_name, config FROM provisioned_concurrency ORDER BY function_name, qualifier",
            r => (r.GetString(0), ControlJson.Read<ProvisionedConcurrencyConfig>(r.GetString(1))));

    public void PutProvisioned(string function, ProvisionedConcurrencyConfig config) =>
        PutChild("provisioned_concurrency", "qualifier", function, config.Qualifier, config);

    public bool DeleteProvisioned(string function, string qualifier) =>
        DeleteChild("provisioned_concurrency", "qualifier", function, qualifier);
}
