using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Lamina.RuntimeSupport.Internal;

namespace Lamina.RuntimeSupport.ClassLibrary;

/// <summary>
/// Invokes a class-library handler found by <see cref="HandlerResolver"/>. Parameters: none, the event,
/// or the event and <see cref="ILambdaContext"/> (in either order); the event is a <see cref="Stream"/>
/// (raw bytes) or any type read with System.Text.Json (case-insensitive names). Returns: void, Task,
/// a value, Task&lt;T&gt; or ValueTask&lt;T&gt;; a Stream is sent as is, anything else as JSON
/// (property names as declared, like AWS's default serializer). The instance of a non-static handler is
/// created once at init with the type's parameterless constructor.
/// </summary>
[RequiresUnreferencedCode("Serialises the handler's types with reflection.")]
[RequiresDynamicCode("Serialises the handler's types with reflection.")]
internal sealed class ReflectionHandler : IInvocationHandler
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
    };
    private readonly MethodInfo _method;
    private readonly object? _target;
    private readonly ParameterInfo[] _parameters;

    public ReflectionHandler(MethodInfo method)
    {
        _method = method;
        _parameters = method.GetParameters();
        _target = method.IsStatic ? null : Activator.CreateInstance(method.DeclaringType!);
    }

    public async Task HandleAsync(InvocationRequest request, ILambdaContext context, RuntimeApiClient api, CancellationToken cancellationToken)
    {
        var args = new object?[_parameters.Length];
        for (var i = 0; i < args.Length; i++)
        {
            var type = _parameters[i].ParameterType;
            args[i] = type == typeof(ILambdaContext) ? context
                : type == typeof(Stream) ? request.Body
                : JsonSerializer.Deserialize(request.Body, type, Options);
        }
        var (hasValue, value) = await Unwrap(_method.Invoke(_target, args));
        using HttpContent content = !hasValue ? new ByteArrayContent("null"u8.ToArray())
            : value is Stream stream ? new StreamContent(stream)
            : new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, value?.GetType() ?? typeof(object), Options));
        content.Headers.ContentType = Json;
        await api.PostResponseAsync(request, content, cancellationToken);
    }

    private static async Task<(bool HasValue, object? Value)> Unwrap(object? returned)
    {
        switch (returned)
        {
            case Task task:
                await task;
                return ResultOf(task);
            case ValueTask valueTask:
                await valueTask;
                return (false, null);
        }
        if (returned is not null && returned.GetType() is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(ValueTask<>))
        {
            var task = (Task)t.GetMethod(nameof(ValueTask<int>.AsTask))!.Invoke(returned, null)!;
            await task;
            return ResultOf(task);
        }
        return (true, returned);
    }

    private static (bool, object?) ResultOf(Task task)
    {
        var type = task.GetType();
        // Task<T> has Result; a plain Task (and the runtime's VoidTaskResult) means no value.
        if (!type.IsGenericType || type.GetGenericArguments()[0].Name == "VoidTaskResult") return (false, null);
        return (true, type.GetProperty(nameof(Task<int>.Result))!.GetValue(task));
    }
}
