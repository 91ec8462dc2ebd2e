namespace Lamina.Agent.Extensions;

/// <summary>Expected refusals of the Extensions, Telemetry and Logs APIs; rendered once by <see cref="ExtensionsApiHandler"/>.</summary>
internal enum ExtensionApiError
{
    None,
    RegistrationClosed,
    TooManyExtensions,
    UnknownExtension,
    InvalidRequest,
    NotFound,
}
