using Lamina.Registry.Distribution;

namespace Lamina.Registry.Tests.Distribution;

public class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Blocks_are_64_KiB_reused_after_dispose_and_never_handed_out_twice()
    {
        using var pool = new LargeBlockMemoryPool();
        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);

        var first = pool.Rent();
        Assert.Equal(LargeBlockMemoryPool.BlockSize, first.Memory.Length);
        first.Memory.Span[0] = 7;
        first.Dispose();
        first.Dispose(); // a double dispose must not put the block in the pool twice

        var a = pool.Rent(1);
        var b = pool.Rent(1);
        Assert.Same(first, a);
        Assert.NotSame(a, b);
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public void A_request_larger_than_a_block_is_refused()
    {
        using var pool = new LargeBlockMemoryPool();
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public async Task The_server_uses_the_pool_and_a_multi_block_body_arrives_intact()
    {
        await using var server = await RegistryServer.StartAsync();
        var factory = server.Host.Services.GetService(typeof(Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>));
        Assert.IsType<LargeBlockMemoryPoolFactory>(factory);

        var bytes = new byte[5 * LargeBlockMemoryPool.BlockSize + 17];
        new Random(7).NextBytes(bytes);
        var digest = await server.PushBlobAsync("r", bytes);
        using var get = await server.Http.GetAsync($"/v2/r/blobs/{digest}");
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
    }
}
