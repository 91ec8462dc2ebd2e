using CSharpAot;
using CSharpHello;
using Lamina.RuntimeSupport;

// _HANDLER (the image CMD) picks the handler; the provided image passes it through unchanged.
var handler = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("_HANDLER");
switch (handler)
{
    case "stream":
        await LambdaBootstrap.RunStreamingAsync(StreamingFunction.HandleAsync, "text/plain");
        return 0;
    case null or "" or "hello":
        await LambdaBootstrap.RunAsync(new Function().Handler, AppJson.Default.HelloRequest, AppJson.Default.HelloResponse);
        return 0;
    default:
        await Console.Error.WriteLineAsync($"unknown handler '{handler}': use hello or stream");
        return 2;
}
