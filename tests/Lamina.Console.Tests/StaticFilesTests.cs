using System.Net;

namespace Lamina.WebConsole.Tests;

/// <summary>The console's files over plain HTTP: what is served, with which headers, and what is not.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class StaticFilesTests(ConsoleFixture fixture)
{
    private HttpClient Client() => new() { BaseAddress = fixture.Host.BaseAddress };

    [Fact]
    public async Task Index_is_served_with_a_strict_content_security_policy()
    {
        using var http = Client();
        using var response = await http.GetAsync("/console/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("app.js", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal)); // nothing from elsewhere
    }

    [Fact]
    public async Task Console_without_slash_redirects_and_scripts_are_javascript()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Host.BaseAddress };
        using var redirect = await http.GetAsync("/console");
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/console/", redirect.Headers.Location?.ToString());
        using var js = await http.GetAsync("/console/sigv4.js");
        Assert.Equal("text/javascript", js.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/console/missing.js")]
    [InlineData("/console/%2e%2e/credentials.json")]
    [InlineData("/console/Lamina.Console.csproj")]
    [InlineData("/console/wwwroot/index.html")]
    public async Task Only_embedded_files_are_served(string path)
    {
        using var http = Client();
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(fixture.Host.Credentials.SecretAccessKey, await response.Content.ReadAsStringAsync());
    }
}
