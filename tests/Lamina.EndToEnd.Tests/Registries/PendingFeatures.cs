using System.Net;
using System.Text;

namespace Lamina.EndToEnd.Tests.Registries;

/// <summary>
/// TEMPORARY, while the registry is built on other branches: skips a Lamina test whose API is not
/// routed at all yet (404 from the routing layer, not an error body). To be deleted once branches
/// registry-core and ecr-auth are merged, so that a later regression fails loudly instead of skipping.
/// </summary>
public static class PendingFeatures
{
    public static async Task SkipUnlessPushApiAsync(IRegistryUnderTest registry)
    {
        if (registry is not LaminaRegistry) return;
        using var http = new HttpClient { BaseAddress = registry.BaseAddress };
        using var response = await http.PostAsync(new Uri("/v2/e2e-probe/blobs/uploads/", UriKind.Relative), null);
        Skip.If(response.StatusCode == HttpStatusCode.NotFound && (await response.Content.ReadAsStringAsync()).Length == 0,
            "Lamina does not route the /v2/ push API yet (branch registry-core not merged)");
    }

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
