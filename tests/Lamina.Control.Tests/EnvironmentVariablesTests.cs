using System.Text.Json.Nodes;
using Lamina.Control.Api;
using Lamina.Control.Domain;

namespace Lamina.Control.Tests;

/// <summary>Environment.Variables names: the .NET runtime's settings are the function's to set (they reach its runtime,
/// never lamina-init), and the prefix the host hides them under cannot be a function's name.</summary>
public sealed class EnvironmentVariablesTests
{
    private static readonly FunctionConfig Current = new() { FunctionName = "f", Role = "r", ImageUri = "i", RevisionId = "x" };

    private static Result<FunctionConfig> Apply(string variables) =>
        FunctionSettings.Apply(new JsonInput(JsonNode.Parse("""{"Environment":{"Variables":""" + variables + "}}")!.AsObject()), Current);

    [Fact]
    public void Dotnet_settings_are_accepted()
    {
        var applied = Apply("""{"DOTNET_gcServer":"1","COMPlus_ThreadPool_UnfairSemaphoreSpinLimit":"0"}""");
        Assert.Null(applied.Error);
        Assert.Equal("1", applied.Value!.Environment!["DOTNET_gcServer"]);
    }

    [Fact]
    public void The_hidden_prefix_is_refused_by_the_name_pattern()
    {
        var refused = Apply("""{"_LAMINA_FN_DOTNET_gcServer":"1"}""");
        Assert.Equal(LambdaErrorType.Validation, refused.Error?.Type);
        Assert.Contains("[a-zA-Z]([a-zA-Z0-9_])+", refused.Error!.Message, StringComparison.Ordinal);
    }
}
