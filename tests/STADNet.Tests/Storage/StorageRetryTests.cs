using Azure;
using STADNet.Media;
using STADNet.Storage;

namespace STADNet.Tests.Storage;

public sealed class StorageRetryTests
{
    [Fact]
    public void Unreachable_storage_is_waited_out_but_answers_are_not()
    {
        Assert.True(StorageRetry.IsTransient(new HttpRequestException("connection refused")));
        Assert.True(StorageRetry.IsTransient(new RequestFailedException(503, "busy")));
        Assert.True(StorageRetry.IsTransient(new RequestFailedException(0, "no response")));
        Assert.True(StorageRetry.IsTransient(new InvalidOperationException("wrapped", new HttpRequestException("refused"))));
        Assert.False(StorageRetry.IsTransient(new RequestFailedException(404, "not found")));
        Assert.False(StorageRetry.IsTransient(new RequestFailedException(412, "condition not met")));
        Assert.False(StorageRetry.IsTransient(new DirectoryNotFoundException("no container")));
        Assert.False(StorageRetry.IsTransient(new VideoInputException("not a video", new IOException("pipe"))));
    }

    [Fact]
    public async Task A_call_that_fails_transiently_is_retried_until_it_answers()
    {
        var calls = 0;
        var result = await StorageRetry.RunAsync(_ => ++calls < 3 ? throw new HttpRequestException("refused") : Task.FromResult(calls), CancellationToken.None);
        Assert.Equal(3, result);
        await Assert.ThrowsAsync<RequestFailedException>(() => StorageRetry.RunAsync<int>(_ => throw new RequestFailedException(404, "gone"), CancellationToken.None));
    }
}
