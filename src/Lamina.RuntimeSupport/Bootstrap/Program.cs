using Lamina.RuntimeSupport;

// The handler comes from the command line (the image CMD) or _HANDLER, as in AWS's managed runtimes.
var handler = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("_HANDLER");
return await LambdaBootstrap.RunHandlerAsync(handler);
