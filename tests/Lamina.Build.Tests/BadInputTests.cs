using Lamina.Build.Tests.Fixtures;

namespace Lamina.Build.Tests;

/// <summary>Bad Dockerfiles and contexts fail with a message naming the file, line and instruction; nothing stays mounted or running.</summary>
public sealed class BadInputTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private async Task<string> FailAsync(string dockerfile, Action<Workspace>? setup = null)
    {
        var ws = new Workspace(registry, "bad");
        setup?.Invoke(ws);
        ws.Dockerfile(dockerfile);
        var e = await Assert.ThrowsAsync<BuildException>(() => ws.BuildAsync());
        BuildCleanup.AssertNothingLeft(ws.Cache);
        return e.Message;
    }

    [Fact]
    public async Task Unknown_instruction_names_the_line()
    {
        var message = await FailAsync("FROM scratch\n\n# comment\nFROBNICATE now\n");
        Assert.Equal("Dockerfile:4: FROBNICATE: unknown instruction 'FROBNICATE'", message);
    }

    [Fact]
    public async Task Malformed_json_form_is_refused()
    {
        var message = await FailAsync("FROM scratch\nCMD [\"app\", 'handler']\n");
        Assert.StartsWith("Dockerfile:2: CMD: malformed JSON form", message);
    }

    [Fact]
    public async Task Missing_copy_source_names_the_source()
    {
        var message = await FailAsync("FROM scratch\nCOPY app.py /var/task/\n");
        Assert.Equal("Dockerfile:2: COPY: in the build context: source 'app.py' not found", message);
    }

    [Fact]
    public async Task Copy_source_excluded_by_dockerignore_is_missing()
    {
        var message = await FailAsync("FROM scratch\nCOPY secret.env /\n", ws =>
        {
            ws.File("secret.env", "x");
            ws.File(".dockerignore", "*.env\n");
        });
        Assert.Contains("excluded by .dockerignore", message);
        Assert.StartsWith("Dockerfile:2: COPY:", message);
    }

    [Fact]
    public async Task Failing_run_reports_exit_code_and_output_and_cleans_up()
    {
        var message = await FailAsync("FROM {BASE}\nRUN echo preparing && echo boom-output >&2 && exit 7\n");
        Assert.StartsWith("Dockerfile:2: RUN:", message);
        Assert.Contains("exit code 7", message);
        Assert.Contains("boom-output", message);
        Assert.Contains("preparing", message);
    }

    [Fact]
    public async Task Unsupported_instructions_and_urls_are_refused_clearly()
    {
        Assert.Equal("Dockerfile:2: SHELL: SHELL is not supported by lamina build",
            await FailAsync("FROM scratch\nSHELL [\"/bin/bash\", \"-c\"]\n"));
        Assert.StartsWith("Dockerfile:2: ADD: ADD of URLs (https://example.com/x.tgz) is not supported",
            await FailAsync("FROM scratch\nADD https://example.com/x.tgz /x\n"));
        Assert.StartsWith("Dockerfile:3: RUN: heredocs",
            await FailAsync("FROM scratch\n\nRUN cat <<EOF > /x\n"));
    }

    [Fact]
    public async Task Missing_base_image_and_bad_target_are_reported()
    {
        var message = await FailAsync($"FROM {registry.Registry}/base/nothing:v1\n");
        Assert.StartsWith($"Dockerfile:1: FROM: cannot pull {registry.Registry}/base/nothing:v1", message);

        var ws = new Workspace(registry, "target");
        ws.Dockerfile("FROM scratch AS a\n");
        var e = await Assert.ThrowsAsync<BuildException>(() => ws.BuildAsync(target: "b"));
        Assert.Contains("target stage 'b' not found", e.Message);
    }
}
