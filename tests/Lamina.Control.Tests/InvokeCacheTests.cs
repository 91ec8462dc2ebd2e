using System.Text.Json;
using Lamina.Control.Domain;
using Lamina.Control.Storage;

namespace Lamina.Control.Tests;

/// <summary>
/// The invoke path reads function, alias, version and reserved concurrency from memory (ControlStore.ReadCached):
/// every write through the control plane must be seen by the very next invoke.
/// </summary>
public sealed class InvokeCacheTests
{
    private const string Role = "arn:aws:iam::000000000000:role/x";

    private static JsonElement Json(ToolRunner.Result r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement;
    }

    [Fact]
    public async Task Cached_read_is_served_from_memory_until_any_write_through_the_store()
    {
        var dir = Directory.CreateTempSubdirectory("lamina-cache-");
        try
        {
            var store = new ControlStore(new ControlDatabase(Path.Combine(dir.FullName, "control.db")));
            var reads = 0;
            int Count(ControlSession s)
            {
                reads++;
                return s.FunctionCount() == 0 ? reads : -1;
            }
            Assert.Equal(1, store.ReadCached("k", Count));
            Assert.Equal(1, store.ReadCached("k", Count)); // no write since: not read again
            Assert.Equal(2, store.ReadCached("other", Count)); // another key is its own read

            // A committed write and a refused (rolled back) one both end what was cached before them.
            Assert.True((await store.WriteAsync(_ => (Result<int>)1)).IsOk);
            Assert.Equal(3, store.ReadCached("k", Count));
            Assert.False((await store.WriteAsync(_ => (Result<int>)LambdaError.FunctionNotFound("arn"))).IsOk);
            Assert.Equal(4, store.ReadCached("k", Count));
            Assert.Equal(4, store.ReadCached("k", Count));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Every_write_is_seen_by_the_next_invoke()
    {
        await using var t = await ControlTestHost.StartAsync();
        var v1 = await t.PushImageAsync("fn/app", "v1", "one");
        var v2 = await t.PushImageAsync("fn/app", "v2", "two");
        Json(await t.LambdaAsync(false, "create-function", "--function-name", "f", "--package-type", "Image",
            "--code", $"ImageUri={t.Authority}/fn/app:v1", "--role", Role));
        Assert.Equal(0, (await t.LambdaAsync(false, "wait", "function-active-v2", "--function-name", "f")).ExitCode);
        var outFile = Path.Combine(t.DataDir, "o.json");
        async Task<(string Version, string Digest)> InvokeAsync(string name)
        {
            Json(await t.LambdaAsync(false, "invoke", "--function-name", name, outFile));
            var answer = JsonDocument.Parse(File.ReadAllText(outFile)).RootElement;
            return (answer.GetProperty("version").GetString()!, answer.GetProperty("digest").GetString()!);
        }

        Assert.Equal(("$LATEST", v1), await InvokeAsync("f")); // cached from here on
        Assert.Equal("1", Json(await t.LambdaAsync(false, "publish-version", "--function-name", "f")).GetProperty("Version").GetString());
        Json(await t.LambdaAsync(false, "create-alias", "--function-name", "f", "--name", "live", "--function-version", "1"));
        Assert.Equal(("1", v1), await InvokeAsync("f:live"));

        // New code: $LATEST runs it at once; the alias still runs version 1 until it is moved.
        Json(await t.LambdaAsync(false, "update-function-code", "--function-name", "f", "--image-uri", $"{t.Authority}/fn/app:v2"));
        Assert.Equal(0, (await t.LambdaAsync(false, "wait", "function-updated-v2", "--function-name", "f")).ExitCode);
        Assert.Equal(("$LATEST", v2), await InvokeAsync("f"));
        Assert.Equal(("1", v1), await InvokeAsync("f:live"));
        Assert.Equal("2", Json(await t.LambdaAsync(false, "publish-version", "--function-name", "f")).GetProperty("Version").GetString());
        Json(await t.LambdaAsync(false, "update-alias", "--function-name", "f", "--name", "live", "--function-version", "2"));
        Assert.Equal(("2", v2), await InvokeAsync("f:live"));

        // Reserved concurrency 0 throttles the next invoke; removing it lets the next one run.
        Json(await t.LambdaAsync(false, "put-function-concurrency", "--function-name", "f", "--reserved-concurrent-executions", "0"));
        Assert.Contains("(TooManyRequestsException)", (await t.LambdaAsync(false, "invoke", "--function-name", "f", outFile)).Stderr);
        Assert.Equal(0, (await t.LambdaAsync(false, "delete-function-concurrency", "--function-name", "f")).ExitCode);
        Assert.Equal(("$LATEST", v2), await InvokeAsync("f"));

        // Deleted: not found, by name and by alias.
        Assert.Equal(0, (await t.LambdaAsync(false, "delete-function", "--function-name", "f")).ExitCode);
        Assert.Contains("(ResourceNotFoundException)", (await t.LambdaAsync(false, "invoke", "--function-name", "f", outFile)).Stderr);
        Assert.Contains("(ResourceNotFoundException)", (await t.LambdaAsync(false, "invoke", "--function-name", "f:live", outFile)).Stderr);
    }
}
