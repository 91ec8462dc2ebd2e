using System.Text.Json.Nodes;
using Lamina.Control.Api;
using Lamina.Control.Domain;

namespace Lamina.Control.Tests;

/// <summary>LoggingConfig validation and merge rules (FunctionSettings.ApplyLogging), and how GetFunctionConfiguration renders it.</summary>
public sealed class LoggingConfigTests
{
    private static Result<FunctionLogging?> Apply(string json, FunctionLogging? current = null) =>
        FunctionSettings.ApplyLogging(new JsonInput(JsonNode.Parse(json)!.AsObject()), current);

    [Fact]
    public void Json_without_levels_means_info_for_both_and_text_clears_them()
    {
        var json = Apply("""{"LogFormat":"JSON"}""").Value!;
        Assert.Equal(new FunctionLogging("JSON", "INFO", "INFO"), json);

        var debug = Apply("""{"SystemLogLevel":"DEBUG"}""", json).Value!;
        Assert.Equal(new FunctionLogging("JSON", "INFO", "DEBUG"), debug);

        var text = Apply("""{"LogFormat":"Text"}""", debug).Value!;
        Assert.Equal(new FunctionLogging("Text"), text);
        Assert.Equal("/aws/lambda/f", text.GroupFor("f"));
    }

    [Fact]
    public void A_log_group_is_kept_across_format_changes_and_rendered()
    {
        var grouped = Apply("""{"LogGroup":"/custom/group-1"}""").Value!;
        var json = Apply("""{"LogFormat":"JSON","ApplicationLogLevel":"ERROR"}""", grouped).Value!;
        Assert.Equal("/custom/group-1", json.LogGroup);
        var wire = WireJson.Logging(json, "f");
        Assert.Equal("""{"LogFormat":"JSON","ApplicationLogLevel":"ERROR","SystemLogLevel":"INFO","LogGroup":"/custom/group-1"}""", wire.ToJsonString());
        Assert.Equal("""{"LogFormat":"Text","LogGroup":"/aws/lambda/f"}""", WireJson.Logging(FunctionLogging.Default, "f").ToJsonString());
    }

    [Theory]
    [InlineData("""{"LogFormat":"Text","ApplicationLogLevel":"DEBUG"}""", LambdaErrorType.InvalidParameterValue, "LogLevel is not supported when LogFormat is set to \"Text\"")]
    [InlineData("""{"SystemLogLevel":"INFO"}""", LambdaErrorType.InvalidParameterValue, "Remove LogLevel from your request")]
    [InlineData("""{"LogFormat":"json"}""", LambdaErrorType.Validation, "at 'loggingConfig.logFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, Text]")]
    [InlineData("""{"LogFormat":"JSON","ApplicationLogLevel":"VERBOSE"}""", LambdaErrorType.Validation, "loggingConfig.applicationLogLevel")]
    [InlineData("""{"LogFormat":"JSON","SystemLogLevel":"ERROR"}""", LambdaErrorType.Validation, "[DEBUG, INFO, WARN]")]
    [InlineData("""{"LogGroup":"bad group!"}""", LambdaErrorType.Validation, "loggingConfig.logGroup")]
    [InlineData("""{"LogGroup":""}""", LambdaErrorType.Validation, "length greater than or equal to 1")]
    [InlineData("""{"LogFormat":5}""", LambdaErrorType.InvalidRequestContent, "LogFormat")]
    public void Bad_logging_config_is_refused_with_aws_wording(string json, LambdaErrorType type, string message)
    {
        var result = Apply(json);
        Assert.NotNull(result.Error);
        Assert.Equal(type, result.Error.Type);
        Assert.Contains(message, result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_update_keeps_the_whole_configuration()
    {
        var current = new FunctionConfig { FunctionName = "f", Role = "r", ImageUri = "i", RevisionId = "x", Logging = new FunctionLogging("JSON", "WARN", "WARN") };
        var input = new JsonInput(JsonNode.Parse("""{"MemorySize":256,"LoggingConfig":{"LogFormat":"Text","SystemLogLevel":"DEBUG"}}""")!.AsObject());
        var result = FunctionSettings.Apply(input, current);
        Assert.Equal(LambdaErrorType.InvalidParameterValue, result.Error?.Type);
        Assert.Equal(new FunctionLogging("JSON", "WARN", "WARN"), current.Logging);
        Assert.Equal(128, current.MemorySize);
    }
}
