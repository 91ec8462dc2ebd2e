namespace Lamina.Registry.Tests.Interop;

/// <summary>
/// A one-line console app published with <c>dotnet publish -t:PublishContainer</c> onto
/// <c>REGISTRY/base/runtime:1</c>, pushed as <c>REGISTRY/REPOSITORY:v1</c>: the .NET SDK's own registry client.
/// </summary>
internal static class SampleContainerApp
{
    /// <summary>Writes the app under <paramref name="work"/>/app and publishes it; returns the publish result.</summary>
    /// <param name="environment">Extra variables (credentials); plain HTTP to <paramref name="registry"/> is always allowed.</param>
    public static async Task<(int ExitCode, string Output)> PublishAsync(string work, string registry, string repository,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var app = Path.Combine(work, "app");
        Directory.CreateDirectory(app);
        await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
                <SelfContained>false</SelfContained>
                <ContainerBaseImage>{registry}/base/runtime:1</ContainerBaseImage>
                <ContainerRegistry>{registry}</ContainerRegistry>
                <ContainerRepository>{repository}</ContainerRepository>
                <ContainerImageTag>v1</ContainerImageTag>
              </PropertyGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), "System.Console.WriteLine(\"hi\");\n");
        // Plain HTTP on loopback must be allowed explicitly; the SDK tries HTTPS otherwise.
        var env = new Dictionary<string, string>
        {
            ["DOTNET_CONTAINER_INSECURE_REGISTRIES"] = registry,
            ["MSBUILDNOINPROCNODE"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) env[key] = value;
        return await Tool.RunAsync("dotnet", app, env, "publish", "-t:PublishContainer", "-nodeReuse:false", "--nologo");
    }
}
