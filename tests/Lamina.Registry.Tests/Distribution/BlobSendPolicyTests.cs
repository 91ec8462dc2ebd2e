using Lamina.Registry.Distribution;

namespace Lamina.Registry.Tests.Distribution;

/// <summary>The per-download choice between sendfile and the copy path, and the in-flight count behind Auto.</summary>
public class BlobSendPolicyTests
{
    [Fact]
    public void Auto_copies_up_to_half_the_processors_then_uses_sendfile_and_copies_again_once_downloads_end()
    {
        var policy = new BlobSendPolicy(BlobSendMode.Auto, processors: 4);
        Assert.Equal(2, policy.CopyLimit);

        var first = policy.Enter();
        var second = policy.Enter();
        var third = policy.Enter();
        Assert.False(first.SendFile);
        Assert.False(second.SendFile);
        Assert.True(third.SendFile);
        Assert.Equal(3, policy.InFlight);

        first.Dispose();
        second.Dispose();
        Assert.Equal(1, policy.InFlight);
        using (var fourth = policy.Enter()) Assert.False(fourth.SendFile); // 2 in flight: within the limit
        third.Dispose();
        Assert.Equal(0, policy.InFlight);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void At_least_one_download_copies_even_on_one_or_two_processors(int processors)
    {
        var policy = new BlobSendPolicy(BlobSendMode.Auto, processors);
        Assert.Equal(1, policy.CopyLimit);
        using var lone = policy.Enter();
        Assert.False(lone.SendFile);
        using var second = policy.Enter();
        Assert.True(second.SendFile);
    }

    [Theory]
    [InlineData(BlobSendMode.SendFile, true)]
    [InlineData(BlobSendMode.Copy, false)]
    public void A_forced_mode_ignores_the_count_but_still_counts(BlobSendMode mode, bool sendFile)
    {
        var policy = new BlobSendPolicy(mode, processors: 64);
        var leases = Enumerable.Range(0, 40).Select(_ => policy.Enter()).ToList();
        Assert.All(leases, l => Assert.Equal(sendFile, l.SendFile));
        Assert.Equal(40, policy.InFlight);
        leases.ForEach(l => l.Dispose());
        Assert.Equal(0, policy.InFlight);
    }

    [Fact]
    public void A_default_lease_counts_nothing_and_disposes_harmlessly()
    {
        var policy = new BlobSendPolicy(BlobSendMode.Auto, processors: 2);
        using (var held = policy.Enter())
        {
            BlobSendPolicy.Lease none = default;
            none.Dispose();
            Assert.False(none.SendFile);
            Assert.Equal(1, policy.InFlight);
        }
        Assert.Equal(0, policy.InFlight);
    }

    [Fact]
    public void An_undefined_mode_is_a_configuration_error()
    {
        var options = new RegistryOptions { BlobSend = (BlobSendMode)42 };
        Assert.Contains("Registry:BlobSend must be SendFile, Copy or Auto", options.Validate());
        Assert.Empty(new RegistryOptions { BlobSend = BlobSendMode.Copy }.Validate());
    }
}
