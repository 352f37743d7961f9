using System.CommandLine;
using STADNet.Silo;
using STADNet.Storage;

namespace STADNet.Client.Commands;

/// <summary><c>stadnet download blob://&lt;container&gt;/&lt;prefix&gt; &lt;folder&gt;</c>: fetches a cluster scan's reports (or anything under a prefix).</summary>
public static class DownloadCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "blob://<container>/<prefix> to download." };
        var target = new Argument<string>("folder") { Description = "Local folder; paths below the prefix are kept." };
        var blob = new Option<string?>("--blob") { Description = $"Azure Blob connection string (default: {SiloEnvironment.BlobConnection})." };
        var command = new Command("download", "Download reports (or any blobs) under a blob prefix to a folder.") { source, target, blob };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(async () =>
        {
            var store = BlobArguments.Store(result.GetValue(blob));
            var from = BlobArguments.Location(result.GetValue(source)!, "the source").ToString();
            var count = await store.DownloadAllAsync(from, Path.GetFullPath(result.GetValue(target)!), cancellationToken);
            Console.WriteLine($"{count} files into {result.GetValue(target)}");
            return 0;
        }));
        return command;
    }
}
