namespace Lamina.RuntimeSupport;

/// <summary>The calling mobile application, from the client context's <c>client</c> object.</summary>
public interface IClientApplication
{
    /// <summary><c>app_package_name</c>, or empty.</summary>
    string AppPackageName { get; }

    /// <summary><c>app_title</c>, or empty.</summary>
    string AppTitle { get; }

    /// <summary><c>app_version_code</c>, or empty.</summary>
    string AppVersionCode { get; }

    /// <summary><c>app_version_name</c>, or empty.</summary>
    string AppVersionName { get; }

    /// <summary><c>installation_id</c>, or empty.</summary>
    string InstallationId { get; }
}
