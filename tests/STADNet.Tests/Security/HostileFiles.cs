namespace STADNet.Tests.Security;

/// <summary>
/// Text files FFmpeg would follow to other places, saved under a video extension as an archive (or a blob
/// store) might hold them: an HLS playlist and an ffconcat list are both recognised by content, not by name.
/// </summary>
public static class HostileFiles
{
    public static string HlsPlaylist(string path, string segment)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Playlist(segment));
        return path;
    }

    public static string Playlist(string segment) =>
        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXTINF:10.0,\n" + segment + "\n#EXT-X-ENDLIST\n";

    public static string ConcatList(string path, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"ffconcat version 1.0\nfile '{target}'\n");
        return path;
    }
}
