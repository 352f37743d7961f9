namespace STADNet.Tests.Support;

/// <summary>A real redis-server and a real Azurite, started once for the cluster tests.</summary>
public sealed class StorageStack : IAsyncLifetime
{
    public RedisServer Redis { get; } = new();

    public AzuriteServer Azurite { get; } = new();

    public async Task InitializeAsync()
    {
        await Redis.StartAsync();
        await Azurite.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await Azurite.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
