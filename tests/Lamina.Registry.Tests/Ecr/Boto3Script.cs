namespace Lamina.Registry.Tests.Ecr;

/// <summary>The boto3 script of <see cref="Boto3Tests"/>, kept here so the test project file needs no content items.</summary>
internal static class Boto3Script
{
    public const string Text = """
        # Drives Lamina's ECR API with boto3, the AWS SDK for Python, and checks what it gets back.
        # argv: endpoint. Credentials and region come from the environment. Prints "OK" when every check passes.
        import base64, json, sys
        import boto3
        from botocore.exceptions import ClientError

        ecr = boto3.client("ecr", endpoint_url=sys.argv[1])

        repo = ecr.create_repository(repositoryName="boto/app", imageTagMutability="MUTABLE")["repository"]
        assert repo["repositoryName"] == "boto/app", repo
        assert repo["repositoryArn"].endswith(":repository/boto/app"), repo
        assert repo["createdAt"].year >= 2024, repo  # botocore parsed the epoch timestamp

        try:
            ecr.create_repository(repositoryName="boto/app")
            raise AssertionError("duplicate create succeeded")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "RepositoryAlreadyExistsException", e.response

        for i in range(3):
            ecr.create_repository(repositoryName=f"boto/page{i}")
        pages = list(ecr.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 1}))
        names = [r["repositoryName"] for p in pages for r in p["repositories"]]
        assert len(pages) >= 4, len(pages)
        assert [n for n in names if n.startswith("boto/")] == ["boto/app", "boto/page0", "boto/page1", "boto/page2"], names

        policy = json.dumps({"rules": [{"rulePriority": 1, "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                             "countUnit": "days", "countNumber": 7}, "action": {"type": "expire"}}]})
        ecr.put_lifecycle_policy(repositoryName="boto/app", lifecyclePolicyText=policy)
        assert ecr.get_lifecycle_policy(repositoryName="boto/app")["lifecyclePolicyText"] == policy

        images = ecr.describe_images(repositoryName="boto/app")
        assert images["imageDetails"] == [], images

        auth = ecr.get_authorization_token()["authorizationData"][0]
        user, password = base64.b64decode(auth["authorizationToken"]).decode().split(":")
        assert user == "AWS" and password, auth
        assert auth["proxyEndpoint"] == sys.argv[1], auth

        try:
            ecr.describe_images(repositoryName="boto/none")
            raise AssertionError("describe-images on a missing repository succeeded")
        except ClientError as e:
            assert e.response["Error"]["Code"] == "RepositoryNotFoundException", e.response
            assert e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, e.response

        print("OK")
        """;
}
