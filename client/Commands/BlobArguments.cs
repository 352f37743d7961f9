using STADNet.Silo;
using STADNet.Storage;

namespace STADNet.Client.Commands;

/// <summary>What the blob commands share: the connection string from <c>--blob</c> or the environment, and checked blob locations.</summary>
public static class BlobArguments
{
    public static string? Connection(string? option) => option ?? Environment.GetEnvironmentVariable(SiloEnvironment.BlobConnection);

    public static ArchiveStore Store(string? option)
    {
        var connection = Connection(option);
        if (string.IsNullOrWhiteSpace(connection)) throw new UsageException($"set {SiloEnvironment.BlobConnection} or pass --blob");
        return StoreFor(connection);
    }

    /// <summary>A store for local folders, and for blob storage too when a connection string is given.</summary>
    public static ArchiveStore StoreFor(string? connection)
    {
        if (string.IsNullOrWhiteSpace(connection)) return new ArchiveStore(null);
        try
        {
            return new ArchiveStore(BlobConnection.CreateClient(connection));
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>A <c>blob://&lt;container&gt;/&lt;prefix&gt;</c> argument, or a usage error saying what is wrong with it.</summary>
    public static ArchiveLocation Location(string value, string what)
    {
        if (!ArchiveLocation.IsBlobReference(value)) throw new UsageException($"{what} must be blob://<container>/<prefix>");
        try
        {
            return ArchiveLocation.Parse(value);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
