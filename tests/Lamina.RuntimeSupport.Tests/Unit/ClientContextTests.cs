using Lamina.RuntimeSupport.Internal;

namespace Lamina.RuntimeSupport.Tests.Unit;

public sealed class ClientContextTests
{
    [Fact]
    public void Client_env_and_custom_are_read()
    {
        var c = ClientContextData.Parse("""{"client":{"installation_id":"i-1","app_title":"T","app_version_name":"1.0","app_version_code":"7","app_package_name":"p"},"env":{"platform":"Android"},"custom":{"k":"v","n":3}}""");
        Assert.Equal("i-1", c.Client.InstallationId);
        Assert.Equal("T", c.Client.AppTitle);
        Assert.Equal("1.0", c.Client.AppVersionName);
        Assert.Equal("7", c.Client.AppVersionCode);
        Assert.Equal("p", c.Client.AppPackageName);
        Assert.Equal("Android", c.Environment["platform"]);
        Assert.Equal("v", c.Custom["k"]);
        Assert.Equal("3", c.Custom["n"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("{\"client\":\"x\",\"env\":[1]}")]
    public void Unreadable_client_context_gives_empty_values_instead_of_failing(string json)
    {
        var c = ClientContextData.Parse(json);
        Assert.Empty(c.Environment);
        Assert.Empty(c.Custom);
        Assert.Equal("", c.Client.InstallationId);
    }

    [Fact]
    public void Cognito_identity_is_read_and_garbage_is_empty()
    {
        var id = CognitoIdentityData.Parse("""{"cognitoIdentityId":"us-east-1:abc","cognitoIdentityPoolId":"pool"}""");
        Assert.Equal("us-east-1:abc", id.IdentityId);
        Assert.Equal("pool", id.IdentityPoolId);
        Assert.Equal("", CognitoIdentityData.Parse("{{").IdentityId);
    }
}
