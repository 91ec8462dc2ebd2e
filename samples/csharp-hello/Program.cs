using System.Diagnostics.CodeAnalysis;
using Lamina.RuntimeSupport;

namespace CSharpHello;

/// <summary>The process entry: the dotnet:10 image runs this assembly with the handler in _HANDLER.</summary>
internal static class Program
{
    [RequiresUnreferencedCode("Class-library mode resolves the handler with reflection.")]
    [RequiresDynamicCode("Class-library mode serialises with reflection.")]
    private static Task<int> Main(string[] args) =>
        LambdaBootstrap.RunHandlerAsync(args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("_HANDLER"));
}
