using System.Net.Sockets;
using Azure;

namespace STADNet.Storage;

/// <summary>
/// Retries storage calls through outages: a storage account that stops answering for a while
/// pauses work, and work goes on once it is back. Only errors that say "not reachable now" are
/// retried; a missing blob or a refused write is an answer and is thrown at once.
/// </summary>
public static class StorageRetry
{
    /// <summary>How long work waits for storage to come back before giving up.</summary>
    public static TimeSpan Patience { get; set; } = TimeSpan.FromMinutes(10);

    public static async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken, Action<Exception, TimeSpan>? onRetry = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        var delay = TimeSpan.FromMilliseconds(500);
        while (true)
        {
            try
            {
                return await call(cancellationToken);
            }
            catch (Exception e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                if (DateTime.UtcNow + delay > deadline)
                    throw new StorageUnavailableException($"storage unreachable for more than {Patience.TotalMinutes:0.#} min: {e.GetType().Name}", e);
                onRetry?.Invoke(e, delay);
                await Task.Delay(delay, cancellationToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(15).Ticks));
            }
        }
    }

    public static Task RunAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken, Action<Exception, TimeSpan>? onRetry = null) =>
        RunAsync(async c => { await call(c); return true; }, cancellationToken, onRetry);

    /// <summary>Connection refused, timeouts, server errors and throttling: storage may answer later.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        STADNet.Media.VideoInputException => false, // the video's own fault, whatever caused it
        FileNotFoundException or DirectoryNotFoundException => false, // an answer: it is not there
        RequestFailedException r => r.Status is 0 or 408 or 429 or >= 500,
        HttpRequestException or SocketException or TimeoutException or IOException => true,
        TaskCanceledException t => t.InnerException is TimeoutException,
        AggregateException a => a.InnerExceptions.All(IsTransient),
        _ => e.InnerException is { } inner && IsTransient(inner),
    };
}
