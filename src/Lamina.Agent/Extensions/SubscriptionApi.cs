namespace Lamina.Agent.Extensions;

/// <summary>Which API a subscription came through: it decides the record shapes the subscriber gets.</summary>
internal enum SubscriptionApi
{
    /// <summary>PUT /2022-07-01/telemetry.</summary>
    Telemetry,

    /// <summary>PUT /2020-08-15/logs, the older API.</summary>
    Logs,
}

/// <summary>How records reach the subscriber's listener in the sandbox.</summary>
internal enum SubscriptionProtocol
{
    /// <summary>One POST per batch, a JSON array.</summary>
    Http,

    /// <summary>Newline-delimited JSON over one TCP connection.</summary>
    Tcp,
}
