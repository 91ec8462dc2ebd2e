using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.Loader;
using Lamina.RuntimeSupport.Internal;

namespace Lamina.RuntimeSupport.ClassLibrary;

/// <summary>
/// Finds the handler method of a class-library function: the assembly (already loaded when it is the
/// running executable, else <c>&lt;Assembly&gt;.dll</c> in LAMBDA_TASK_ROOT (its dependencies resolved through its .deps.json, else from the same directory),
/// the type, and the one public method of that name (the one with the most parameters if overloaded).
/// Every miss is a <see cref="LambdaRuntimeException"/> of type Runtime.HandlerNotFound naming what was missing.
/// </summary>
internal static class HandlerResolver
{
    [RequiresUnreferencedCode("Loads the function's assembly and finds its handler by name.")]
    public static MethodInfo Resolve(HandlerString handler, string taskRoot)
    {
        var assembly = Loaded(handler.Assembly) ?? Load(handler, taskRoot);
        var type = assembly.GetType(handler.Type, throwOnError: false)
            ?? throw NotFound($"Could not find type '{handler.Type}' in assembly '{handler.Assembly}'.");
        var method = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.Name == handler.Method && !m.IsGenericMethodDefinition)
            .OrderByDescending(m => m.GetParameters().Length)
            .FirstOrDefault()
            ?? throw NotFound($"Could not find a public method '{handler.Method}' on type '{handler.Type}'.");
        var parameters = method.GetParameters();
        if (parameters.Length > 2 || parameters.Count(p => p.ParameterType != typeof(ILambdaContext)) > 1)
            throw NotFound($"Handler '{handler.Type}::{handler.Method}' must take at most the event and an ILambdaContext; it takes ({string.Join(", ", parameters.Select(p => p.ParameterType.Name))}).");
        return method;
    }

    [RequiresUnreferencedCode("Loads the function's dependencies.")]
    private static Assembly? Dependency(AssemblyLoadContext context, AssemblyName name, AssemblyDependencyResolver? resolver, string directory)
    {
        var candidate = resolver?.ResolveAssemblyToPath(name) ?? Path.Combine(directory, name.Name + ".dll");
        return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
    }

    private static LambdaRuntimeException NotFound(string message) => new("Runtime.HandlerNotFound", message);

    /// <summary>The function's own executable (the dotnet image runs <c>dotnet /var/task/App.dll</c>) is already loaded.</summary>
    private static Assembly? Loaded(string name) =>
        AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase));

    [RequiresUnreferencedCode("Loads the function's assembly.")]
    private static Assembly Load(HandlerString handler, string taskRoot)
    {
        var path = Path.Combine(taskRoot, handler.Assembly + ".dll");
        if (!File.Exists(path))
            throw NotFound($"Could not find the function assembly '{handler.Assembly}.dll' in {taskRoot}.");
        var deps = Path.ChangeExtension(path, ".deps.json");
        var resolver = File.Exists(deps) ? new AssemblyDependencyResolver(path) : null;
        var directory = Path.GetDirectoryName(path)!;
        AssemblyLoadContext.Default.Resolving += (context, name) => Dependency(context, name, resolver, directory);
        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }
}
