namespace Lamina.RuntimeSupport;

/// <summary>The Amazon Cognito identity of a mobile caller (Lambda-Runtime-Cognito-Identity).</summary>
public interface ICognitoIdentity
{
    /// <summary>The Cognito identity id (<c>cognitoIdentityId</c>), or empty.</summary>
    string IdentityId { get; }

    /// <summary>The Cognito identity pool id (<c>cognitoIdentityPoolId</c>), or empty.</summary>
    string IdentityPoolId { get; }
}
