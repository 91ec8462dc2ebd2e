using System.CommandLine;
using Lamina.Cli;

var root = new RootCommand("Lamina: self-hosted serverless functions packaged as container images");
root.Subcommands.Add(ServerCommand.Create());
return await root.Parse(args).InvokeAsync();
