using Lamina.Aws;
using Lamina.Control.Api;
using Lamina.Control.Domain;
using Lamina.Control.States;

namespace Lamina.Control.Tests;

/// <summary>Pure domain rules: FunctionName forms, image references, state transitions, log tails.</summary>
public sealed class DomainTests
{
    private static readonly Credentials Account = new("AKID", "secret", "us-east-1", "123456789012");

    [Theory]
    [InlineData("f", "f", null)]
    [InlineData("f:1", "f", "1")]
    [InlineData("f:$LATEST", "f", "$LATEST")]
    [InlineData("123456789012:function:f", "f", null)]
    [InlineData("123456789012:function:f:live", "f", "live")]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:f", "f", null)]
    [InlineData("arn:aws:lambda:us-east-1:123456789012:function:f:2", "f", "2")]
    public void Accepts_every_FunctionName_form(string value, string name, string? qualifier)
    {
        var id = FunctionIdentifier.Parse(value, null, Account);
        Assert.True(id.IsOk, id.Error?.Message);
        Assert.Equal(name, id.Value!.Name);
        Assert.Equal(qualifier, id.Value.Qualifier);
    }

    [Theory]
    [InlineData("", LambdaErrorType.Validation)]
    [InlineData("bad name", LambdaErrorType.Validation)]
    [InlineData("arn:aws:lambda:us-east-1:function:f", LambdaErrorType.Validation)]
    [InlineData("arn:aws:lambda:eu-west-1:123456789012:function:f", LambdaErrorType.ResourceNotFound)]
    [InlineData("arn:aws:lambda:us-east-1:999999999999:function:f", LambdaErrorType.ResourceNotFound)]
    public void Refuses_invalid_names_and_foreign_ARNs(string value, LambdaErrorType expected)
    {
        var id = FunctionIdentifier.Parse(value, null, Account);
        Assert.Equal(expected, id.Error?.Type);
    }

    [Fact]
    public void Name_longer_than_64_and_conflicting_qualifiers_are_refused()
    {
        Assert.Equal(LambdaErrorType.InvalidParameterValue, FunctionIdentifier.Parse(new string('a', 65), null, Account).Error?.Type);
        Assert.Equal(LambdaErrorType.InvalidParameterValue, FunctionIdentifier.Parse("f:1", "2", Account).Error?.Type);
        Assert.Equal("2", FunctionIdentifier.Parse("f", "2", Account).Value!.Qualifier);
    }

    [Theory]
    [InlineData("127.0.0.1:5050/repo:tag", "127.0.0.1:5050", "repo", "tag")]
    [InlineData("localhost:5050/a/b", "localhost:5050", "a/b", "latest")]
    [InlineData("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1", "123456789012.dkr.ecr.us-east-1.amazonaws.com", "app", "v1")]
    public void Parses_image_references(string uri, string host, string repo, string tag)
    {
        var r = LambdaImageUri.Parse(uri);
        Assert.NotNull(r);
        Assert.Equal((host, repo, tag), (r.Registry, r.Repository, r.Tag));
    }

    [Theory]
    [InlineData("repo:tag")]
    [InlineData("host:1/UPPER:tag")]
    [InlineData("host:1/repo@sha256:short")]
    [InlineData("not a uri")]
    public void Refuses_bad_image_references(string uri) => Assert.Null(LambdaImageUri.Parse(uri));

    [Theory]
    [InlineData("python-hello:v1", "it does not start with a registry host")]
    [InlineData("not a uri", "it contains whitespace")]
    [InlineData("host:1/UPPER:tag", "its repository, tag or digest is malformed")]
    public void A_refused_image_uri_says_why_and_the_shape_expected(string uri, string why)
    {
        Assert.Null(LambdaImageUri.Parse(uri));
        var message = LambdaImageUri.InvalidMessage(uri);
        Assert.StartsWith($"Source image {uri} is not valid: {why}.", message, StringComparison.Ordinal);
        Assert.Contains("REGISTRY/REPOSITORY:TAG", message, StringComparison.Ordinal);
    }

    private static FunctionConfig Config() => new() { FunctionName = "f", Role = "r", ImageUri = "h:1/r:t", RevisionId = "rev0" };

    [Fact]
    public void Creation_failure_fails_the_function_and_update_failure_keeps_the_old_image()
    {
        var now = DateTimeOffset.UnixEpoch;
        var pending = FunctionTransitions.Creating(Config());
        Assert.NotNull(FunctionTransitions.RefuseChange(pending, "arn"));
        var failed = FunctionTransitions.Settle(pending, ImageResolution.Failed(ImageFailure.InvalidImage, "no"), now);
        Assert.Equal((FunctionState.Failed, "InvalidImage"), (failed.State, failed.StateReasonCode));

        var active = FunctionTransitions.Settle(pending, ImageResolution.Resolved("sha256:" + new string('a', 64), "h:1/r@sha256:aa"), now);
        Assert.Equal((FunctionState.Active, LastUpdateStatus.Successful), (active.State, active.LastUpdateStatus));
        Assert.Null(FunctionTransitions.RefuseChange(active, "arn"));

        var updating = FunctionTransitions.Updating(active with { PreviousImageUri = active.ImageUri, ImageUri = "h:1/r:new" });
        var updateFailed = FunctionTransitions.Settle(updating, ImageResolution.Failed(ImageFailure.ImageDeleted, "gone"), now);
        Assert.Equal(FunctionState.Active, updateFailed.State);
        Assert.Equal(LastUpdateStatus.Failed, updateFailed.LastUpdateStatus);
        Assert.Equal("ImageDeleted", updateFailed.LastUpdateStatusReasonCode);
        Assert.Equal("h:1/r:t", updateFailed.ImageUri);
        Assert.Equal(active.ImageDigest, updateFailed.ImageDigest);
    }

    [Fact]
    public void Log_tail_is_the_last_4_KB_on_a_character_boundary()
    {
        var log = new string('x', 5000) + "é" + new string('y', 4094);
        var tail = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(LambdaApi.LogTail(log)));
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(tail) <= 4096);
        Assert.EndsWith("y", tail, StringComparison.Ordinal);
        Assert.DoesNotContain('\uFFFD', tail);
    }

    [Fact]
    public void Error_table_maps_each_type_to_AWS_status()
    {
        foreach (var type in Enum.GetValues<LambdaErrorType>())
        {
            var (code, status, _) = LambdaErrorTable.ToWire(type);
            Assert.EndsWith("Exception", code, StringComparison.Ordinal);
            Assert.InRange(status, 400, 599);
        }
        Assert.Equal(("RequestTooLargeException", 413), (LambdaErrorTable.ToWire(LambdaErrorType.RequestTooLarge).Code, LambdaErrorTable.ToWire(LambdaErrorType.RequestTooLarge).Status));
    }
}

/// <summary>Binding of JSON members: absent members are null, mistyped ones are InvalidRequestContentException.</summary>
public sealed class JsonInputTests
{
    [Fact]
    public void Absent_members_are_null_and_mistyped_ones_are_reported_once()
    {
        var input = new JsonInput(System.Text.Json.Nodes.JsonNode.Parse("""{"A":true,"N":"x","O":{"I":1.5}}""")!.AsObject());
        Assert.Null(input.Bool("Missing"));
        Assert.Null(input.Int("Missing"));
        Assert.Null(input.Error);
        Assert.True(input.Bool("A"));
        Assert.Null(input.Object("O")!.Int("I"));
        Assert.Equal(LambdaErrorType.InvalidRequestContent, input.Error?.Type);
        Assert.Contains("'I'", input.Error!.Message, StringComparison.Ordinal);
        Assert.Null(input.Int("N"));
        Assert.Contains("'I'", input.Error!.Message, StringComparison.Ordinal);
    }
}
