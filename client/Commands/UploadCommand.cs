using System.CommandLine;
using STADNet.Media;
using STADNet.Silo;
using STADNet.Storage;

namespace STADNet.Client.Commands;

/// <summary><c>stadnet upload &lt;folder&gt; blob://&lt;container&gt;/&lt;prefix&gt;</c>: puts an archive's videos into blob storage for a cluster scan.</summary>
public static class UploadCommand
{
    public static Command Create()
    {
        var source = new Argument<string>("source") { Description = "A video file or a folder searched recursively." };
        var target = new Argument<string>("target") { Description = "blob://<container>/<prefix> to upload under; paths below the folder are kept." };
        var blob = new Option<string?>("--blob") { Description = $"Azure Blob connection string (default: {SiloEnvironment.BlobConnection})." };
        var command = new Command("upload", "Upload an archive's videos to blob storage (existing blobs of the same name are kept).") { source, target, blob };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(async () =>
        {
            var store = BlobArguments.Store(result.GetValue(blob));
            var where = BlobArguments.Location(result.GetValue(target)!, "the target");
            var from = Path.GetFullPath(result.GetValue(source)!);
            var videos = VideoArchive.List(from);
            var root = File.Exists(from) ? Path.GetDirectoryName(from)! : from;
            foreach (var video in videos)
            {
                var name = Path.GetRelativePath(root, video).Replace(Path.DirectorySeparatorChar, '/');
                await store.UploadIfAbsentAsync(video, where.Combine(name), cancellationToken);
            }
            Console.WriteLine($"{videos.Count} videos under {where}");
            return 0;
        }));
        return command;
    }
}
