using Lamina.Build.Tests.Fixtures;

namespace Lamina.Build.Tests;

/// <summary>Real builds against Lamina's registry: the results are unpacked with umoci and compared.</summary>
public sealed class BuildTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Copy_env_workdir_and_cmd_produce_the_expected_config_and_files()
    {
        var ws = new Workspace(registry, "config");
        ws.File("app.py", "print('hi')\n");
        ws.File("lib/util/helpers.py", "x = 1\n");
        ws.Dockerfile("""
            # syntax=docker/dockerfile:1
            ARG GREETING=hello
            FROM {BASE}
            ARG GREETING
            ENV A=1 B="two words" \
                C=${GREETING}-${MISSING:-fallback}
            WORKDIR /var/task
            COPY app.py ./
            COPY lib /var/task/lib/
            COPY --chmod=700 app.py /opt/private.py
            LABEL org.example.team="lamina" version=${A}
            EXPOSE 8080 53/udp
            USER 1000:1000
            CMD ["app.handler"]
            """);
        var image = await ws.BuildAsync(args: new() { ["GREETING"] = "hey" });

        var config = Workspace.Config(image);
        var env = config.GetProperty("Env").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["PATH=/bin", "A=1", "B=two words", "C=hey-fallback"], env);
        Assert.Equal("/var/task", config.GetProperty("WorkingDir").GetString());
        Assert.Equal("1000:1000", config.GetProperty("User").GetString());
        Assert.Equal(["app.handler"], config.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("lamina", config.GetProperty("Labels").GetProperty("org.example.team").GetString());
        Assert.Equal("1", config.GetProperty("Labels").GetProperty("version").GetString());
        Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("8080/tcp", out _));
        Assert.True(config.GetProperty("ExposedPorts").TryGetProperty("53/udp", out _));
        var root = System.Text.Json.JsonDocument.Parse(image.Config).RootElement;
        Assert.Equal("amd64", root.GetProperty("architecture").GetString());
        Assert.Equal(4, root.GetProperty("rootfs").GetProperty("diff_ids").GetArrayLength()); // base + 3 COPY
        Assert.Equal(4, image.Layers.Count);
        Assert.Contains(root.GetProperty("history").EnumerateArray(), h => h.GetProperty("created_by").GetString() == "WORKDIR /var/task");

        var rootfs = ws.Unpack(image);
        Assert.Equal("print('hi')\n", File.ReadAllText(Path.Combine(rootfs, "var/task/app.py")));
        Assert.Equal("x = 1\n", File.ReadAllText(Path.Combine(rootfs, "var/task/lib/util/helpers.py")));
        Assert.Equal((UnixFileMode)0x1C0, File.GetUnixFileMode(Path.Combine(rootfs, "opt/private.py")));
        Assert.True(File.Exists(Path.Combine(rootfs, "bin/busybox")));
    }

    [Fact]
    public async Task Run_creates_modifies_and_deletes_files_as_proper_whiteouts()
    {
        var ws = new Workspace(registry, "run");
        ws.Dockerfile("""
            FROM {BASE}
            RUN echo created > /created.txt && echo changed > /data/keep && rm /etc/removeme \
             && rm -rf /data/dir && mkdir /data/dir && echo only > /data/dir/only && id -u > /whoami
            """);
        var image = await ws.BuildAsync();
        Assert.Contains(ws.Events, e => e.Kind == BuildEventKind.Step && e.Text.StartsWith("RUN /bin/sh -c echo created", StringComparison.Ordinal));

        var entries = Workspace.LayerEntries(image, 1);
        Assert.Contains("etc/.wh.removeme", entries);
        Assert.Contains("data/dir/.wh..wh..opq", entries);
        Assert.Contains("created.txt", entries);

        var rootfs = ws.Unpack(image);
        Assert.Equal("created\n", File.ReadAllText(Path.Combine(rootfs, "created.txt")));
        Assert.Equal("changed\n", File.ReadAllText(Path.Combine(rootfs, "data/keep")));
        Assert.Equal("0\n", File.ReadAllText(Path.Combine(rootfs, "whoami")));
        Assert.False(File.Exists(Path.Combine(rootfs, "etc/removeme")));
        Assert.Equal(["only"], Directory.GetFileSystemEntries(Path.Combine(rootfs, "data/dir")).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(rootfs, "etc/passwd")));
        BuildCleanup.AssertNothingLeft(ws.Cache);
    }

    [Fact]
    public async Task Multi_stage_copy_from_and_target()
    {
        var ws = new Workspace(registry, "multi");
        ws.Dockerfile("""
            FROM {BASE} AS build
            RUN mkdir -p /out && echo artifact > /out/app.bin && chmod 777 /out
            USER app
            RUN id -u > /out/uid

            FROM {BASE} AS unused
            RUN exit 9

            FROM scratch
            COPY --from=build /out /app/
            COPY --from=0 /bin/busybox /bin/busybox
            ENTRYPOINT ["/bin/busybox"]
            """);
        var image = await ws.BuildAsync();
        Assert.Equal(2, image.Layers.Count);
        var rootfs = ws.Unpack(image);
        Assert.Equal("artifact\n", File.ReadAllText(Path.Combine(rootfs, "app/app.bin")));
        Assert.Equal("1000\n", File.ReadAllText(Path.Combine(rootfs, "app/uid")));
        Assert.True(File.Exists(Path.Combine(rootfs, "bin/busybox")));
        Assert.False(Workspace.Config(image).TryGetProperty("Cmd", out _));

        var build = await ws.BuildAsync(target: "build");
        Assert.Equal(3, build.Layers.Count);
        Assert.Equal("app", Workspace.Config(build).GetProperty("User").GetString());
        BuildCleanup.AssertNothingLeft(ws.Cache);
    }

    [Fact]
    public async Task Dockerignore_is_honoured_with_exceptions_and_double_star()
    {
        var ws = new Workspace(registry, "ignore");
        ws.File("app.txt", "app");
        ws.File("secret.env", "secret");
        ws.File("logs/a.log", "a");
        ws.File("logs/keep.log", "keep");
        ws.File("src/deep/x.tmp", "tmp");
        ws.File("src/deep/x.txt", "txt");
        ws.File(".dockerignore", "# comment\nsecret.env\nlogs\n!logs/keep.log\n**/*.tmp\n");
        ws.Dockerfile("FROM scratch\nCOPY . /ctx/\n");
        var image = await ws.BuildAsync();
        var rootfs = ws.Unpack(image);
        Assert.True(File.Exists(Path.Combine(rootfs, "ctx/app.txt")));
        Assert.True(File.Exists(Path.Combine(rootfs, "ctx/logs/keep.log")));
        Assert.True(File.Exists(Path.Combine(rootfs, "ctx/src/deep/x.txt")));
        Assert.False(File.Exists(Path.Combine(rootfs, "ctx/secret.env")));
        Assert.False(File.Exists(Path.Combine(rootfs, "ctx/logs/a.log")));
        Assert.False(File.Exists(Path.Combine(rootfs, "ctx/src/deep/x.tmp")));
    }

    [Fact]
    public async Task Add_extracts_local_archives_and_copy_takes_globs()
    {
        var ws = new Workspace(registry, "add");
        ws.File("payload/site/index.html", "<h1>hi</h1>");
        ws.File("payload/site/app.js", "go()");
        using (var tgz = File.Create(Path.Combine(ws.Context, "site.tar.gz")))
        using (var gz = new System.IO.Compression.GZipStream(tgz, System.IO.Compression.CompressionLevel.Fastest))
            System.Formats.Tar.TarFile.CreateFromDirectory(Path.Combine(ws.Context, "payload"), gz, includeBaseDirectory: false);
        ws.File("conf/a.json", "{}");
        ws.File("conf/b.json", "[]");
        ws.File("conf/c.yaml", "x");
        ws.Dockerfile("""
            FROM {BASE}
            ENTRYPOINT ["/bin/sh", "-c"]
            ADD site.tar.gz /srv/
            COPY conf/*.json /etc/app/
            COPY --chown=1000:1000 conf/c.yaml /etc/app/c.yaml
            """);
        var image = await ws.BuildAsync();
        Assert.False(Workspace.Config(image).TryGetProperty("Cmd", out _)); // ENTRYPOINT drops the base's CMD
        var rootfs = ws.Unpack(image);
        Assert.Equal("<h1>hi</h1>", File.ReadAllText(Path.Combine(rootfs, "srv/site/index.html")));
        Assert.False(File.Exists(Path.Combine(rootfs, "srv/site.tar.gz")));
        Assert.Equal(["a.json", "b.json", "c.yaml"], Directory.GetFiles(Path.Combine(rootfs, "etc/app")).Select(Path.GetFileName).Order());
        var entries = Workspace.LayerEntries(image, 3);
        Assert.Equal(["etc/app/c.yaml"], entries);
    }

    [Fact]
    public async Task Copy_of_one_file_onto_an_existing_directory_lands_inside_it_as_with_docker()
    {
        var ws = new Workspace(registry, "copy-into-dir");
        ws.File("keep.txt", "k");
        ws.File("app.py", "print('hi')\n");
        ws.Dockerfile("""
            FROM {BASE}
            COPY keep.txt /data/task/
            COPY app.py /data/task
            COPY app.py /data/single
            """);
        var rootfs = ws.Unpack(await ws.BuildAsync());
        Assert.Equal("print('hi')\n", File.ReadAllText(Path.Combine(rootfs, "data/task/app.py"))); // into the directory
        Assert.True(File.Exists(Path.Combine(rootfs, "data/task/keep.txt")));
        Assert.Equal("print('hi')\n", File.ReadAllText(Path.Combine(rootfs, "data/single"))); // no directory there: the file itself
    }
}
