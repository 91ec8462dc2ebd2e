namespace Lamina.Hostile.Tests.Fixtures;

/// <summary>One server and one image for every hostile-function test class (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class HostileCollection : ICollectionFixture<HostileServer>
{
    public const string Name = "hostile server";
}
