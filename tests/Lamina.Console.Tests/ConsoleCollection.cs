namespace Lamina.WebConsole.Tests;

/// <summary>One server and one browser for every console test class.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
