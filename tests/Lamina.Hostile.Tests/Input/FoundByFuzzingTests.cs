using System.Net;
using System.Text;
using Lamina.Server;

namespace Lamina.Hostile.Tests.Input;

/// <summary>Regression tests for what the random-request loop found; each was a 500 before its fix.</summary>
public sealed class FoundByFuzzingTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lamina-fuzz-found-").FullName;
    private LaminaHost _host = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _host = LaminaHost.Create(new LaminaOptions { Port = 0, DataDir = _dir, AuthEnabled = false, Execution = new() { Enabled = false } });
        await _host.StartAsync();
        _http = new HttpClient { BaseAddress = _host.BaseAddress };
    }

    [Fact]
    public async Task A_Lambda_API_body_with_a_duplicate_name_is_a_400_not_a_500()
    {
        // JsonObject threw ArgumentException ("same key has already been added") on the first lookup.
        using var r = await _http.PutAsync("/2019-09-25/functions/fn/event-invoke-config",
            new StringContent("""{"MaximumRetryAttempts":1,"MaximumRetryAttempts":2}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Contains("InvalidRequestContent", string.Join(',', r.Headers.GetValues("x-amzn-ErrorType")), StringComparison.Ordinal);
        using var create = await _http.PostAsync("/2015-03-31/functions",
            new StringContent("""{"FunctionName":"a","FunctionName":"b"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
    }

    [Fact]
    public async Task A_JSON_1_1_body_with_a_duplicate_name_is_a_SerializationException()
    {
        foreach (var target in new[] { "Logs_20140328.DeleteLogGroup", "AmazonEC2ContainerRegistry_V20150921.CreateRepository" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/")
            {
                Content = new StringContent("""{"logGroupName":"a","repositoryName":"a","logGroupName":"b","repositoryName":"b"}""", Encoding.UTF8),
            };
            request.Content.Headers.ContentType = new("application/x-amz-json-1.1");
            request.Headers.Add("X-Amz-Target", target);
            using var r = await _http.SendAsync(request);
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.BadRequest, $"{target}: {(int)r.StatusCode} {body}");
            Assert.Contains("SerializationException", body, StringComparison.Ordinal);
        }
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
