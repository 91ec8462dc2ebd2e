using System.Net;
using System.Text;

namespace Lamina.EndToEnd.Tests.Registries;

/// <summary>
/// TEMPORARY, while the ECR API is built on branch ecr-auth: skips a test whose API is not routed at
/// all yet (404 from the routing layer, no body). To be deleted once that branch is merged, so that
/// a later regression fails loudly instead of skipping.
/// </summary>
public static class PendingFeatures
{
    public static async Task SkipUnlessEcrApiAsync(IRegistryUnderTest registry)
    {
        using var http = new HttpClient { BaseAddress = registry.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/");
        request.Headers.Add("X-Amz-Target", "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories");
        request.Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1");
        using var response = await http.SendAsync(request);
        Skip.If(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed && (await response.Content.ReadAsStringAsync()).Length == 0,
            "Lamina does not route the ECR API yet (branch ecr-auth not merged)");
    }
}
