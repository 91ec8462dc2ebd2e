using Lamina.EndToEnd.Tests.Infrastructure;

namespace Lamina.EndToEnd.Tests.Registries;

/// <summary>One registry per test class, started before its first test and killed after its last.</summary>
public abstract class RegistryFixture : IAsyncLifetime
{
    private TempDirectory? _directory;
    private IRegistryUnderTest? _registry;

    public IRegistryUnderTest Registry => _registry ?? throw new InvalidOperationException("fixture not initialized");

    protected string Directory => _directory?.Path ?? throw new InvalidOperationException("fixture not initialized");

    public async Task InitializeAsync()
    {
        _directory = new TempDirectory("lamina-e2e-registry-");
        try
        {
            _registry = await StartAsync();
        }
        catch
        {
            _directory.Dispose(); // the start methods already killed what they launched
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        if (_registry is not null) await _registry.DisposeAsync();
        _directory?.Dispose();
    }

    protected abstract Task<IRegistryUnderTest> StartAsync();
}

/// <summary>Lamina with authentication on (the default): clients log in with the generated credentials.</summary>
public sealed class LaminaFixture : RegistryFixture
{
    protected override async Task<IRegistryUnderTest> StartAsync() => await LaminaRegistry.StartAsync(Directory, authEnabled: true);

    public LaminaRegistry Lamina => (LaminaRegistry)Registry;
}

/// <summary>Lamina started with --no-auth.</summary>
public sealed class LaminaNoAuthFixture : RegistryFixture
{
    protected override async Task<IRegistryUnderTest> StartAsync() => await LaminaRegistry.StartAsync(Directory, authEnabled: false);
}

/// <summary>Debian's distribution registry, the reference implementation.</summary>
public sealed class DistributionFixture : RegistryFixture
{
    protected override async Task<IRegistryUnderTest> StartAsync() => await DistributionRegistry.StartAsync(Directory);
}
