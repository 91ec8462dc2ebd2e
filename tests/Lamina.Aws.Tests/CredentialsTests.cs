namespace Lamina.Aws.Tests;

public class CredentialsTests
{
    [Fact]
    public void Credentials_compare_by_value()
    {
        Assert.Equal(new Credentials("A", "B", "us-east-1", "0"), new Credentials("A", "B", "us-east-1", "0"));
        Assert.NotEqual(new Credentials("A", "B", "us-east-1", "0"), new Credentials("A", "C", "us-east-1", "0"));
    }
}
