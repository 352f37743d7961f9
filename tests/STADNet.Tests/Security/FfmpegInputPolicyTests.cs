using FFMpegCore;
using FFMpegCore.Exceptions;
using STADNet.Media;
using STADNet.Tests.Support;

namespace STADNet.Tests.Security;

/// <summary>The input policy against real FFmpeg: hostile files are refused before FFmpeg follows them; real videos still work.</summary>
public sealed class FfmpegInputPolicyTests
{
    private static readonly FrameFormat Format = new(64, 48, false);

    [Theory]
    [InlineData("https://acct.blob.core.windows.net/cctv/north/cam-a.mp4?sv=2023-11-03&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=abc%2Bdef%3D")]
    [InlineData("http://127.0.0.1:10000/devstoreaccount1/cctv/cam-a.mp4?sv=2023-11-03&sr=b&sp=r&sig=abc")]
    [InlineData("HTTPS://acct.blob.core.windows.net/cctv/cam-a.mp4")]
    public void A_url_may_use_the_network_but_never_the_file_protocol(string url)
    {
        var protocols = FfmpegInputPolicy.ProtocolsFor(url).Split(',');
        Assert.DoesNotContain("file", protocols);
        Assert.Contains("tcp", protocols);
        Assert.Contains($"-protocol_whitelist {FfmpegInputPolicy.ProtocolsFor(url)} ", FfmpegInputPolicy.ArgumentsFor(url));
        Assert.DoesNotContain("file", FfmpegInputPolicy.ArgumentsFor(url));
    }

    [Fact]
    public void Https_gets_tls_under_it_and_http_gets_no_tls()
    {
        Assert.Equal(["https", "tls", "tcp", "httpproxy"], FfmpegInputPolicy.ProtocolsFor("https://acct.blob.core.windows.net/c/a.mp4?sig=x").Split(','));
        Assert.Equal(["http", "tcp"], FfmpegInputPolicy.ProtocolsFor("http://127.0.0.1:10000/devstoreaccount1/c/a.mp4").Split(','));
    }

    [Theory]
    [InlineData("/archive/cam-a.mp4")]
    [InlineData("relative/cam-a.mkv")]
    [InlineData("rtsp://camera.local/stream")]
    [InlineData("concat:/a.mp4|/b.mp4")]
    public void Anything_but_an_http_url_may_only_read_a_file(string source) =>
        Assert.Equal("-protocol_whitelist file -format_whitelist " + string.Join(',', FfmpegInputPolicy.Demuxers), FfmpegInputPolicy.ArgumentsFor(source));

    [Fact]
    public void Only_video_demuxers_this_ffmpeg_has_are_allowed()
    {
        // Names as `ffmpeg -demuxers` lists them; FFmpeg matches a whitelist entry against any one of a demuxer's names.
        var demuxers = Tool.Run("ffmpeg", "-hide_banner", "-demuxers").Split('\n')
            .Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(p => p.Length > 1 && p[0].Contains('D'))
            .SelectMany(p => p[1].Split(','))
            .ToHashSet();
        Assert.All(FfmpegInputPolicy.Demuxers, d => Assert.Contains(d, demuxers));
        foreach (var followsReferences in new[] { "hls", "concat", "image2", "image2pipe", "data", "tee", "subfile", "webm_dash_manifest", "dash", "flv", "asf" })
            Assert.DoesNotContain(followsReferences, FfmpegInputPolicy.Demuxers);
    }

    [Theory]
    [InlineData("mp4", "")]
    [InlineData("mov", "-c copy")]
    [InlineData("mkv", "-c copy")]
    [InlineData("ts", "-c copy")]
    [InlineData("avi", "-c:v mpeg4")]
    [InlineData("mpg", "-c:v mpeg2video")]
    [InlineData("m2v", "-c:v mpeg2video")]
    [InlineData("h264", "-c copy")]
    [InlineData("webm", "-c:v libvpx -b:v 200k")]
    public async Task A_real_video_in_every_listed_container_still_probes_and_decodes(string extension, string codec)
    {
        using var temp = new TempFolder();
        var source = SyntheticFootage.Walkway(temp.Combine("source.mp4"), 30, width: 160, height: 120);
        var video = source;
        if (extension != "mp4")
        {
            video = temp.Combine("archive", "cam." + extension);
            Directory.CreateDirectory(temp.Combine("archive"));
            Tool.Run("ffmpeg", ["-v", "error", "-y", "-i", source, .. codec.Split(' '), video]);
        }

        var info = await VideoProbe.ProbeAsync(video, CancellationToken.None);
        var first = await ShardDecoder.DecodeAsync(video, info.Fps, info.StartOffsetSeconds, 0, 8, toEnd: false, Format, CancellationToken.None);
        var all = await ShardDecoder.DecodeAsync(video, info.Fps, info.StartOffsetSeconds, 0, info.FrameCount, toEnd: true, Format, CancellationToken.None);

        // Seeking inside each container is the scan tests' business (raw h264 cannot seek at all, policy or not).
        Assert.Equal(30, info.FrameCount);
        Assert.Equal(8, first.Count);
        Assert.Equal(30, all.Count);
    }

    [Fact]
    public async Task A_playlist_named_mp4_cannot_make_probe_or_decoder_connect_anywhere()
    {
        using var temp = new TempFolder();
        using var internalService = new LoopbackServer();
        var evil = HostileFiles.HlsPlaylist(temp.Combine("archive", "evil.mp4"), $"http://127.0.0.1:{internalService.Port}/seg.ts");

        var probe = await Assert.ThrowsAsync<VideoInputException>(() => VideoProbe.ProbeAsync(evil, CancellationToken.None));
        var decode = await Assert.ThrowsAsync<VideoInputException>(() =>
            ShardDecoder.DecodeAsync(evil, 10, 0, 0, 10, toEnd: true, Format, CancellationToken.None));

        Assert.Equal(0, await internalService.ConnectionsAsync());
        Assert.Equal("not a readable video: refused: its content is 'hls', not a video container " +
                     "(playlists and concat lists could make FFmpeg open other files or URLs)", probe.Message);
        Assert.StartsWith("decoding failed: refused: its content is 'hls'", decode.Message);
    }

    [Fact]
    public async Task A_playlist_or_concat_list_cannot_pull_in_a_video_from_outside_the_archive()
    {
        using var temp = new TempFolder();
        var outside = SyntheticFootage.Walkway(temp.Combine("private", "other-camera.mp4"), 30, width: 160, height: 120);
        var viaPlaylist = HostileFiles.HlsPlaylist(temp.Combine("archive", "cam-a.mp4"), outside);
        var viaConcat = HostileFiles.ConcatList(temp.Combine("archive", "cam-b.mp4"), outside);

        foreach (var (file, kind) in new[] { (viaPlaylist, "hls"), (viaConcat, "concat") })
        {
            var probe = await Assert.ThrowsAsync<VideoInputException>(() => VideoProbe.ProbeAsync(file, CancellationToken.None));
            var decode = await Assert.ThrowsAsync<VideoInputException>(() =>
                ShardDecoder.DecodeAsync(file, 10, 0, 0, 30, toEnd: true, Format, CancellationToken.None));
            Assert.Contains($"refused: its content is '{kind}'", probe.Message);
            Assert.Contains($"refused: its content is '{kind}'", decode.Message);
        }
    }

    [Fact]
    public async Task A_playlist_served_from_a_blob_url_cannot_make_ffprobe_connect_elsewhere()
    {
        // The blob store serves a playlist whose segment is an internal address; the SAS must not leak into the reason either.
        using var internalService = new LoopbackServer();
        using var blobStore = new LoopbackServer(HostileFiles.Playlist($"http://127.0.0.1:{internalService.Port}/seg.ts"));
        var url = $"http://127.0.0.1:{blobStore.Port}/devstoreaccount1/cctv/evil.mp4?sv=2023-11-03&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=S3cretSig%2Bw%3D";

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        // The arguments VideoProbe passes, on the Uri overload a URL source goes through.
        var failure = await Assert.ThrowsAsync<FFProbeProcessException>(() =>
            FFProbe.AnalyseAsync(new Uri(url), null, "-count_packets -select_streams v:0 " + FfmpegInputPolicy.ArgumentsFor(url), timeout.Token));
        var reason = FfmpegErrors.Summarise(failure.StandardError, url, failure.Message);

        Assert.True(await blobStore.ConnectionsAsync() > 0, "ffprobe never fetched the playlist");
        Assert.Equal(0, await internalService.ConnectionsAsync());
        Assert.StartsWith("refused: its content is 'hls'", reason);
        Assert.DoesNotContain("S3cretSig", reason);
    }
}
