using STADNet.Tests.Support;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace STADNet.Tests.Infrastructure;

public sealed class RedisServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Set_and_get_a_key()
    {
        await using var redis = await RedisServer.StartNewAsync();
        output.WriteLine($"redis start: {redis.LastStartTime.TotalSeconds:F2} s");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var db = connection.GetDatabase();

        await db.StringSetAsync("stadnet:probe", "hello");

        Assert.Equal("hello", (string?)await db.StringGetAsync("stadnet:probe"));
    }

    [Fact]
    public async Task Dispose_leaves_no_process_and_frees_the_port()
    {
        var redis = await RedisServer.StartNewAsync();
        var pid = redis.ProcessId ?? throw new InvalidOperationException("redis-server is not running");
        var port = redis.Port;
        Assert.False(FreePort.IsFree(port));

        await redis.DisposeAsync();

        Assert.False(ServerProcess.IsAlive(pid));
        Assert.True(FreePort.IsFree(port));
    }

    [Fact]
    public void A_missing_tool_names_the_install_script()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ExecutableOnPath.Require("stadnet-no-such-tool"));
        Assert.Contains("bash scripts/install-deps.sh", error.Message);
    }
}
