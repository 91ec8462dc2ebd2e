using System.Text.Json;

namespace Lamina.Scheduler.Tests.Fixtures;

/// <summary>The create-and-wait calls the registry tests share, through the AWS CLI v2 of an <see cref="ExecutionServer"/>.</summary>
public static class FunctionCalls
{
    public const string Role = "arn:aws:iam::123456789012:role/lambda-role";

    /// <summary>create-function from <paramref name="imageUri"/> (timeout 3 s); does not wait.</summary>
    public static Task<string> CreateAsync(ExecutionServer server, string name, string imageUri, Lamina.Server.LaminaHost? host = null) =>
        server.LambdaAsync(host, "create-function", "--function-name", name,
            "--package-type", "Image", "--code", $"ImageUri={imageUri}", "--role", Role, "--timeout", "3");

    /// <summary>get-function-configuration, polled (generous deadline) until the function has left Pending.</summary>
    public static async Task<JsonElement> SettledAsync(ExecutionServer server, string name)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var state = JsonDocument.Parse(await server.LambdaAsync(null, "get-function-configuration", "--function-name", name)).RootElement;
            if (state.GetProperty("State").GetString() != "Pending" || DateTime.UtcNow > deadline) return state;
            await Task.Delay(200);
        }
    }
}
