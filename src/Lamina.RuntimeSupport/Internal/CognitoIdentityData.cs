using System.Text.Json;

namespace Lamina.RuntimeSupport.Internal;

/// <summary>Lambda-Runtime-Cognito-Identity (<c>{"cognitoIdentityId","cognitoIdentityPoolId"}</c>); unreadable → empty values.</summary>
internal sealed class CognitoIdentityData : ICognitoIdentity
{
    public string IdentityId { get; private init; } = "";
    public string IdentityPoolId { get; private init; } = "";

    public static CognitoIdentityData Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return new CognitoIdentityData();
            return new CognitoIdentityData
            {
                IdentityId = ClientContextData.Text(doc.RootElement, "cognitoIdentityId"),
                IdentityPoolId = ClientContextData.Text(doc.RootElement, "cognitoIdentityPoolId"),
            };
        }
        catch (JsonException)
        {
            return new CognitoIdentityData();
        }
    }
}
