using System.Text.RegularExpressions;

namespace STADNet.Media;

/// <summary>
/// The input options that keep FFmpeg and ffprobe to the one video they were given. Without them an archive
/// file that is really an HLS playlist or an ffconcat list (whatever its extension) makes FFmpeg open other
/// local files or connect to any URL it names, from the worker's network position.
/// </summary>
public static partial class FfmpegInputPolicy
{
    /// <summary>
    /// Demuxers allowed to open a source: the containers the scan lists (mov/mp4, avi, matroska/webm,
    /// MPEG-PS, MPEG-TS) and raw elementary video streams. None of them can name another file or URL.
    /// FFmpeg matches each entry against a demuxer's comma-separated names, so "mov" admits "mov,mp4,m4a,...".
    /// </summary>
    public static IReadOnlyList<string> Demuxers { get; } = ["mov", "avi", "matroska", "mpeg", "mpegts", "mpegvideo", "h264", "hevc", "m4v"];

    /// <summary>A local file is read with the file protocol and nothing else.</summary>
    public const string LocalProtocols = "file";

    /// <summary>HTTPS runs over tls over tcp; httpproxy is the CONNECT tunnel FFmpeg uses when https_proxy/http_proxy is set.</summary>
    public const string HttpsProtocols = "https,tls,tcp,httpproxy";

    /// <summary>Plain HTTP (Azurite, a local emulator) runs over tcp; FFmpeg reaches an HTTP proxy over tcp too.</summary>
    public const string HttpProtocols = "http,tcp";

    /// <summary>The protocols FFmpeg may use for <paramref name="source"/>: a URL never gets file, a path never gets the network.</summary>
    public static string ProtocolsFor(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var uri) && !uri.IsFile
            ? uri.Scheme switch
            {
                "https" => HttpsProtocols,
                "http" => HttpProtocols,
                // Anything else (rtsp:, ftp:, data: ...) is not a source we read: FFmpeg refuses it with a named reason.
                _ => LocalProtocols,
            }
            : LocalProtocols;

    /// <summary>Input options for ffmpeg or ffprobe, to be placed before (ffmpeg) or beside (ffprobe) the input.</summary>
    public static string ArgumentsFor(string source) =>
        $"-protocol_whitelist {ProtocolsFor(source)} -format_whitelist {string.Join(',', Demuxers)}";

    /// <summary>A one-line reason when <paramref name="ffmpegLine"/> is FFmpeg refusing something under this policy; null otherwise.</summary>
    public static string? Describe(string ffmpegLine)
    {
        var format = FormatRefused().Match(ffmpegLine);
        if (format.Success)
            return $"refused: its content is '{format.Groups[1].Value}', not a video container " +
                   "(playlists and concat lists could make FFmpeg open other files or URLs)";
        var protocol = ProtocolRefused().Match(ffmpegLine);
        if (protocol.Success)
            return $"refused: reading it would need the '{protocol.Groups[1].Value}' protocol, which this source may not use";
        return null;
    }

    // "[hls @ 0x55e702d202c0] Format not on whitelist 'mov,avi,...'"
    [GeneratedRegex(@"\[([\w,]+) @ [^\]]*\] Format not on whitelist")]
    private static partial Regex FormatRefused();

    // "[tls @ 0x5603328dfc40] Protocol 'tls' not on whitelist 'https,tcp'!"
    [GeneratedRegex(@"Protocol '([^']+)' not on whitelist")]
    private static partial Regex ProtocolRefused();
}
