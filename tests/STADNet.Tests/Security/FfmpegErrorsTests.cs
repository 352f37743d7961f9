using STADNet.Media;

namespace STADNet.Tests.Security;

/// <summary>FFmpeg's stderr for a blob URL echoes the URL with its SAS; the one-line reason must not.</summary>
public sealed class FfmpegErrorsTests
{
    private const string Sig = "Zm9vYmFyYmF6cXV4K3NlY3JldA%3D%3D";

    private const string Url = "https://acct.blob.core.windows.net/cctv/north/cam-a.mp4?sv=2023-11-03&se=2030-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=" + Sig;

    [Fact]
    public void The_echoed_source_is_dropped_and_other_urls_lose_their_sas()
    {
        var stderr = new[]
        {
            "ffprobe version 5.1.9-0+deb12u1 Copyright (c) 2007-2026 the FFmpeg developers",
            "[https @ 0x5603328dfc40] HTTP error 403 Server failed to authenticate the request.",
            $"[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55e702d202c0] error reading header from '{Url}'",
        };

        var reason = FfmpegErrors.Summarise(stderr, Url, "fallback");

        Assert.DoesNotContain(Sig, reason);
        Assert.Equal("[mov,mp4,m4a,3gp,3g2,mj2 @ 0x55e702d202c0] error reading header from " +
                     "'https://acct.blob.core.windows.net/cctv/north/cam-a.mp4?[redacted]'", reason);
        Assert.Equal("Server returned 403 Forbidden (access denied)",
            FfmpegErrors.Summarise([$"{Url}: Server returned 403 Forbidden (access denied)"], Url, "fallback"));
    }

    [Fact]
    public void The_fallback_is_redacted_too() =>
        Assert.Equal("ffprobe failed on https://acct.blob.core.windows.net/cctv/north/cam-a.mp4?[redacted]",
            FfmpegErrors.Summarise([], Url, "ffprobe failed on " + Url));

    [Fact]
    public void A_policy_refusal_is_named_rather_than_the_invalid_argument_that_follows_it()
    {
        var stderr = new[]
        {
            "[tls @ 0x5603328dfc40] Protocol 'tls' not on whitelist 'https,tcp'!",
            $"{Url}: Invalid argument",
        };

        Assert.Equal("refused: reading it would need the 'tls' protocol, which this source may not use",
            FfmpegErrors.Summarise(stderr, Url, "fallback"));
    }
}
