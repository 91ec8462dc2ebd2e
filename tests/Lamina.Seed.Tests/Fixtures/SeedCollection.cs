namespace Lamina.Seed.Tests.Fixtures;

/// <summary>One seed server (base images published once) for the AWS CLI workflow and the docker builds.</summary>
[CollectionDefinition(Name)]
public sealed class SeedCollection : ICollectionFixture<SeedServer>
{
    public const string Name = "seed server";
}
