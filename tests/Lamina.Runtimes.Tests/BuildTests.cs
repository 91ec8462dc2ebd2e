using System.Text.Json;
using Lamina.Runtimes.Tests.Fixtures;

namespace Lamina.Runtimes.Tests;

[Collection(BuiltRuntimesCollection.Name)]
public sealed class BuildTests(BuiltRuntimes built)
{
    [Fact]
    public void EveryImageSharesTheBaseLayerAndEndsWithItsLaminaLayer()
    {
        Assert.Equal(["provided", "python", "nodejs", "dotnet"], built.Images.Select(i => i.Image.Name));
        var baseLayer = built.Images[0].Layers[0].Digest;
        Assert.All(built.Images, i => Assert.Equal(baseLayer, i.Layers[0].Digest));
        Assert.Equal(2, built["provided"].Layers.Count);
        Assert.All(built.Images.Skip(1), i => Assert.Equal(3, i.Layers.Count));
        Assert.Equal(built.Images.Count * 2 - 1 + 1, built.Images.SelectMany(i => i.Layers).Select(l => l.Digest).Distinct().Count());
        Assert.Equal(["lamina/provided:latest", "lamina/python:3.11", "lamina/nodejs:18", "lamina/dotnet:10"], built.Images.Select(i => i.Reference));
    }

    [Fact]
    public void ConfigHasTheLambdaContract()
    {
        var python = built["python"];
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Blob(python.ManifestDigest)));
        var configDigest = manifest.RootElement.GetProperty("config").GetProperty("digest").GetString()!;
        using var config = JsonDocument.Parse(File.ReadAllBytes(Blob(configDigest)));
        var c = config.RootElement.GetProperty("config");
        Assert.Equal(["/lambda-entrypoint.sh"], c.GetProperty("Entrypoint").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["app.handler"], c.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("/var/task", c.GetProperty("WorkingDir").GetString());
        var env = c.GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("LAMBDA_TASK_ROOT=/var/task", env);
        Assert.Contains("LAMBDA_RUNTIME_DIR=/var/runtime", env);
        Assert.Equal(python.Layers.Select(l => l.DiffId), config.RootElement.GetProperty("rootfs").GetProperty("diff_ids").EnumerateArray().Select(e => e.GetString()));
    }

    private string Blob(string digest) => Path.Combine(built.Layout, "blobs", "sha256", digest["sha256:".Length..]);
}
