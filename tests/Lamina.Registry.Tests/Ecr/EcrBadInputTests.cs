using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Lamina.Aws.Signing;

namespace Lamina.Registry.Tests.Ecr;

/// <summary>Malformed but correctly signed ECR calls get a 400 with a named error, never a 500, and change nothing.</summary>
public sealed class EcrBadInputTests(EcrTestHost ecr) : IClassFixture<EcrTestHost>
{
    private async Task<(HttpStatusCode Status, string Type, string Message)> CallAsync(string operation, string body)
    {
        using var http = new HttpClient { BaseAddress = ecr.Host.BaseAddress };
        var target = "AmazonEC2ContainerRegistry_V20150921." + operation;
        var date = DateTime.UtcNow.ToString(SigV4Signer.AmzDateFormat, CultureInfo.InvariantCulture);
        var creds = ecr.Host.Credentials;
        var headers = $"host:{ecr.Authority}\nx-amz-date:{date}\nx-amz-target:{target}\n";
        var canonical = SigV4Signer.CanonicalRequest("POST", "/", "", headers, "host;x-amz-date;x-amz-target", SigV4Signer.HexSha256(Encoding.UTF8.GetBytes(body)));
        var scope = SigV4Signer.Scope(date[..8], creds.Region, "ecr");
        var signature = SigV4Signer.Signature(SigV4Signer.DeriveSigningKey(creds.SecretAccessKey, date[..8], creds.Region, "ecr"), SigV4Signer.StringToSign(date, scope, canonical));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body) };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        request.Headers.TryAddWithoutValidation("X-Amz-Date", date);
        request.Headers.TryAddWithoutValidation("Authorization", $"AWS4-HMAC-SHA256 Credential={creds.AccessKeyId}/{scope}, SignedHeaders=host;x-amz-date;x-amz-target, Signature={signature}");
        using var response = await http.SendAsync(request);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, json.TryGetProperty("__type", out var t) ? t.GetString()! : "", json.TryGetProperty("message", out var m) ? m.GetString()! : "");
    }

    [Theory]
    [InlineData("CreateRepository", """{"repositoryName":5}""", "InvalidParameterException")]
    [InlineData("CreateRepository", """{}""", "InvalidParameterException")]
    [InlineData("CreateRepository", """{"repositoryName":"../etc"}""", "InvalidParameterException")]
    [InlineData("CreateRepository", """{"repositoryName":"ok/name","imageTagMutability":"SOMETIMES"}""", "InvalidParameterException")]
    [InlineData("DescribeRepositories", """{"maxResults":0}""", "InvalidParameterException")]
    [InlineData("DescribeRepositories", """{"repositoryNames":"notalist"}""", "InvalidParameterException")]
    [InlineData("DescribeRepositories", """{"nextToken":"!!!"}""", "InvalidParameterException")]
    [InlineData("DescribeImages", """{"repositoryName":"bad/input","filter":"x"}""", "InvalidParameterException")]
    [InlineData("DescribeImages", """{"repositoryName":"bad/input","imageIds":[{"imageDigest":"sha256:zz"}]}""", "InvalidParameterException")]
    [InlineData("BatchGetImage", """{"repositoryName":"bad/input","imageIds":[]}""", "InvalidParameterException")]
    [InlineData("BatchGetImage", """{"repositoryName":"bad/input","imageIds":[5]}""", "InvalidParameterException")]
    [InlineData("BatchCheckLayerAvailability", """{"repositoryName":"bad/input"}""", "InvalidParameterException")]
    [InlineData("DeleteRepository", """{"repositoryName":"bad/input","force":"yes"}""", "InvalidParameterException")]
    [InlineData("PutLifecyclePolicy", """{"repositoryName":"bad/input","lifecyclePolicyText":"{\"rules\":[{}]}"}""", "InvalidParameterException")]
    [InlineData("PutLifecyclePolicy", """{"repositoryName":"bad/input"}""", "InvalidParameterException")]
    [InlineData("DescribeImages", """[1,2]""", "SerializationException")]
    [InlineData("StartImageScan", """{}""", "UnknownOperationException")]
    public async Task Bad_input_is_a_named_400(string operation, string body, string type)
    {
        var (createStatus, createType, _) = await CallAsync("CreateRepository", """{"repositoryName":"bad/input"}""");
        Assert.True(createStatus == HttpStatusCode.OK || createType == "RepositoryAlreadyExistsException", createType);
        var (status, actual, message) = await CallAsync(operation, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(type, actual);
        Assert.False(string.IsNullOrWhiteSpace(message));

        // Nothing changed: the repository is still there, with no policy.
        var (getStatus, getType, _) = await CallAsync("GetLifecyclePolicy", """{"repositoryName":"bad/input"}""");
        Assert.Equal((HttpStatusCode.BadRequest, "LifecyclePolicyNotFoundException"), (getStatus, getType));
    }
}
