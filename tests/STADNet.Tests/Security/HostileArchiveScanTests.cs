using STADNet.Client.Commands;
using STADNet.Client.Terminal;
using STADNet.Grains.Messages;
using STADNet.Grains.Reports;
using STADNet.Tests.Support;

namespace STADNet.Tests.Security;

/// <summary>A scan, as a user runs it, of an archive holding playlists and concat lists disguised as videos.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HostileArchiveScanTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Disguised_playlists_and_concat_lists_fail_with_a_reason_touch_nothing_and_the_real_video_is_scored()
    {
        using var temp = new TempFolder();
        using var internalService = new LoopbackServer();
        var outside = SyntheticFootage.Walkway(temp.Combine("private", "other-camera.mp4"), 30);
        var good = SyntheticFootage.Walkway(temp.Combine("archive", "good.mp4"), 40);
        var hostile = new Dictionary<string, (string Path, string Kind)>
        {
            ["playlist to an internal URL"] = (HostileFiles.HlsPlaylist(temp.Combine("archive", "evil.mp4"), $"http://127.0.0.1:{internalService.Port}/seg.ts"), "hls"),
            ["playlist to a file outside"] = (HostileFiles.HlsPlaylist(temp.Combine("archive", "north", "cam-a.mp4"), outside), "hls"),
            ["concat list to a file outside"] = (HostileFiles.ConcatList(temp.Combine("archive", "north", "cam-b.mkv"), outside), "concat"),
        };

        var spec = ScanCommand.Validate(temp.Combine("archive"), temp.Combine("out"), ClusterFixture.Checkpoint);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var progress = await ScanCommand.RunJobAsync(fixture.Client, spec, new ProgressReporter(TextWriter.Null, interactive: false), timeout.Token, TextWriter.Null);

        Assert.Equal(ScanProgress.Completed, progress.State);
        Assert.Equal(4, progress.VideosTotal);
        var reports = Reports.ReadAll(temp.Combine("out"));
        // All three outcomes compared at once, so a failure shows what each hostile file led to.
        var expected = hostile.Select(h => $"{h.Key}: {VideoReport.Failed}, 0 frames, not a readable video: refused: its content is '{h.Value.Kind}', " +
                                           "not a video container (playlists and concat lists could make FFmpeg open other files or URLs)");
        var actual = hostile.Select(h => (h.Key, Report: Reports.For(reports, h.Value.Path)))
            .Select(h => $"{h.Key}: {h.Report.Status}, {h.Report.FrameScores.Count} frames, {h.Report.Error}");
        Assert.Equal(expected, actual);
        Assert.Equal(0, await internalService.ConnectionsAsync());
        var scored = Reports.For(reports, good);
        Assert.Equal(VideoReport.Ok, scored.Status);
        Assert.Equal(40, scored.FrameScores.Count);
        Assert.Equal(3, progress.VideosFailed);
    }
}
