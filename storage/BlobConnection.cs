using Azure.Core;
using Azure.Storage.Blobs;

namespace STADNet.Storage;

/// <summary>Blob clients from a connection string, with retries short enough that outages are handled by <see cref="StorageRetry"/>.</summary>
public static class BlobConnection
{
    public static BlobServiceClient CreateClient(string connectionString)
    {
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05)
        {
            Retry = { MaxRetries = 2, Delay = TimeSpan.FromMilliseconds(200), Mode = RetryMode.Exponential, NetworkTimeout = TimeSpan.FromSeconds(30) },
        };
        try
        {
            return new BlobServiceClient(connectionString, options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or UriFormatException)
        {
            // The SDK's message can quote the string, key and all.
            throw new ArgumentException("the blob connection string is not valid (expected AccountName=...;AccountKey=...;BlobEndpoint=... or a storage account's connection string)");
        }
    }
}
