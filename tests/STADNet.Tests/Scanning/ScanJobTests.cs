using STADNet.Client.Commands;
using STADNet.Client.Terminal;
using STADNet.Grains.Messages;
using STADNet.Grains.Reports;
using STADNet.Media;
using STADNet.Model;
using STADNet.Tests.Support;

namespace STADNet.Tests.Scanning;

[Collection(ClusterCollection.Name)]
public sealed class ScanJobTests(ClusterFixture fixture)
{
    private static readonly ProgressReporter Quiet = new(TextWriter.Null, interactive: false);

    private async Task<ScanProgress> ScanAsync(string source, string output, string? checkpoint = null)
    {
        var spec = ScanCommand.Validate(source, output, checkpoint ?? ClusterFixture.Checkpoint);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        return await ScanCommand.RunJobAsync(fixture.Client, spec, Quiet, timeout.Token, TextWriter.Null);
    }

    [Fact]
    public async Task Every_video_in_a_folder_gets_a_report_with_one_score_per_decoded_frame()
    {
        using var temp = new TempFolder();
        // 47 frames: not a multiple of the shard or clip length; 150 frames at 25 fps in mkv in a subfolder, with an
        // audio track: three shards, each seeking in a file with more than one stream.
        var short10 = SyntheticFootage.Walkway(temp.Combine("archive", "cam-a.mp4"), 47);
        var long25 = SyntheticFootage.Walkway(temp.Combine("archive", "north", "cam-b.mkv"), 150, fps: 25, audio: true);
        File.WriteAllText(temp.Combine("archive", "readme.txt"), "not a video extension: ignored");

        var progress = await ScanAsync(temp.Combine("archive"), temp.Combine("out"));

        Assert.Equal(ScanProgress.Completed, progress.State);
        Assert.Equal(2, progress.VideosTotal);
        Assert.Equal(0, progress.VideosFailed);
        var reports = Reports.ReadAll(temp.Combine("out"));
        Assert.Equal(2, reports.Count);
        foreach (var (video, fps) in new[] { (short10, 10.0), (long25, 25.0) })
        {
            var report = Reports.For(reports, video);
            Assert.Equal(VideoReport.Ok, report.Status);
            Assert.Null(report.Error);
            Assert.Equal(Tool.CountFrames(video), report.FrameCount);
            Assert.Equal(report.FrameCount, report.FrameScores.Count);
            Assert.Equal(fps, report.Fps, 3);
            Assert.All(report.FrameScores, s => Assert.True(s is { } v && float.IsFinite(v)));
            Assert.Empty(report.FailedShards);
            // One low-resolution heatmap per frame, for localisation.
            var heatmaps = report.Heatmaps!;
            Assert.Equal(report.FrameCount, heatmaps.Frames.Count);
            Assert.True(heatmaps.Columns > 1 && heatmaps.Rows > 1);
            Assert.All(Enumerable.Range(0, report.FrameCount), f => Assert.Equal(heatmaps.Columns * heatmaps.Rows, heatmaps.DecodeFrame(f).Length));
            Assert.Equal(VideoIds.For(Path.GetFullPath(video)), report.VideoId);
            Assert.True(File.Exists(temp.Combine("out", report.VideoId, "report.json")));
            Assert.False(string.IsNullOrEmpty(report.Model.Id));
            foreach (var e in report.Events)
            {
                Assert.InRange(e.StartFrame, 0, e.EndFrame);
                Assert.InRange(e.EndFrame, e.StartFrame, report.FrameCount - 1);
                Assert.True(e.PeakScore >= report.Threshold);
                Assert.Equal(report.FrameScores[e.PeakFrame]!.Value, e.PeakScore, tolerance: 1e-3);
            }
        }

        // Shards seek into the video and are stitched back: the result must equal scoring the whole video in one piece.
        var whole = await ScoreWholeVideoAsync(long25);
        var stitched = Reports.For(reports, long25).FrameScores;
        Assert.Equal(whole.Length, stitched.Count);
        for (var i = 0; i < whole.Length; i++)
            Assert.True(Math.Abs(whole[i] - stitched[i]!.Value) < 2e-3 + 1e-4 * Math.Abs(whole[i]), $"frame {i}: whole-video score {whole[i]}, stitched {stitched[i]}");

        var summary = Reports.ReadSummary(temp.Combine("out"));
        Assert.Equal(2, summary.VideosTotal);
        Assert.Equal(2, summary.VideosOk);
        Assert.Equal(reports.Sum(r => r.Events.Count), summary.Events.Count);
        Assert.Equal(summary.Events.OrderByDescending(e => e.Event.PeakScore).Select(e => e.Event.PeakScore), summary.Events.Select(e => e.Event.PeakScore));
        Assert.Equal(Enumerable.Range(1, summary.Events.Count), summary.Events.Select(e => e.Rank));
        foreach (var v in summary.Videos)
            Assert.True(Math.Abs(Reports.For(reports, v.Source).FrameScores.Max()!.Value - v.TopScore) < 1e-3, $"{v.Source}: top score {v.TopScore}");
    }

    [Fact]
    public async Task With_object_novelty_a_video_cut_into_shards_scores_as_the_whole_video_does()
    {
        using var temp = new TempFolder();
        // An intruder in the middle shard's first frames: its object samples spread into the first shard's last frames.
        var video = SyntheticFootage.Walkway(temp.Combine("archive", "cam.mp4"), 150, anomaly: (60, 90));
        var model = temp.Combine("objects.ckpt");
        await WithObjectNoveltyAsync(ClusterFixture.Checkpoint, SyntheticFootage.Walkway(temp.Combine("normal.mp4"), 80), model);

        var progress = await ScanAsync(temp.Combine("archive"), temp.Combine("out"), model);

        Assert.Equal(ScanProgress.Completed, progress.State);
        var whole = await ScoreWholeVideoAsync(video, model);
        var stitched = Reports.For(Reports.ReadAll(temp.Combine("out")), video).FrameScores;
        Assert.Equal(whole.Length, stitched.Count);
        // The backbone's float sums differ in the last digits with how many windows share a pass.
        for (var i = 0; i < whole.Length; i++)
            Assert.True(Math.Abs(whole[i] - stitched[i]!.Value) < 2e-3 + 1e-4 * Math.Abs(whole[i]), $"frame {i}: whole-video score {whole[i]}, stitched {stitched[i]}");
        var plain = await ScoreWholeVideoAsync(video, ClusterFixture.Checkpoint);
        Assert.Contains(Enumerable.Range(0, whole.Length), i => Math.Abs(whole[i] - plain[i]) > 0.01); // the object term is in the scores
    }

    /// <summary>The checkpoint with a normal object memory fitted on <paramref name="normal"/> and object novelty at weight 1 in its score.</summary>
    private static async Task WithObjectNoveltyAsync(string source, string normal, string output)
    {
        var checkpoint = Checkpoint.Load(source);
        var settings = checkpoint.Header.Settings;
        var footage = await TrainingFootage.DecodeAsync(normal, settings, objectFrames: true);
        await ModelThread.Run(() =>
        {
            using var network = checkpoint.CreateModel();
            using var backbone = STADNet.Model.Pretrained.ImageNetBackbone.LoadDefault();
            using var scope = TorchSharp.torch.NewDisposeScope();
            var frames = ObjectNovelty.Frames(footage.ObjectPixels!, footage.FrameCount, settings);
            network.Objects.Fit(ObjectNovelty.NormalWindows(backbone, frames, ObjectNovelty.SampledFrames(0, 40)));
            var values = ObjectNovelty.Score(backbone, network.Objects, frames, 40, footage.FrameCount).Where(v => !float.IsNaN(v)).Select(v => (double)v).ToArray();
            var calibration = checkpoint.Header.Calibration with { Objects = ComponentCalibration.Fit(values), ObjectWeight = 1 };
            Checkpoint.Save(output, checkpoint.Header with { Calibration = calibration }, network);
            return true;
        });
    }

    private static async Task<float[]> ScoreWholeVideoAsync(string video, string? model = null)
    {
        var checkpoint = Checkpoint.Load(model ?? ClusterFixture.Checkpoint);
        var settings = checkpoint.Header.Settings;
        var info = await VideoProbe.ProbeAsync(video, CancellationToken.None);
        var frames = await ShardDecoder.DecodeAsync(video, info.Fps, info.StartOffsetSeconds, 0, info.FrameCount, toEnd: true,
            new FrameFormat(settings.DecodeWidth, settings.DecodeHeight, settings.Colour), CancellationToken.None);
        // With object novelty, the same frames larger too; its samples spread across the shards' borders.
        var calibration = checkpoint.Header.Calibration;
        var larger = calibration.UsesObjects
            ? await ShardDecoder.DecodeLargerAsync(video, info.Fps, info.StartOffsetSeconds, frames, toEnd: true, ObjectNovelty.FrameScale, CancellationToken.None)
            : null;
        var evidence = await ModelThread.Run(() =>
        {
            using var model = checkpoint.CreateModel();
            using var backbone = larger is null ? null : STADNet.Model.Pretrained.ImageNetBackbone.LoadDefault();
            return FrameScorer.ScoreRaw(model, settings, frames.Pixels, frames.Count, 0, backbone: backbone, objectPixels: larger?.Pixels,
                speeds: calibration.UsesSpeeds, glides: calibration.UsesGlides);
        });
        return calibration.Calibrate(calibration.Combine(evidence));
    }

    [Fact]
    public async Task Bad_inputs_get_error_reports_with_reasons_while_good_videos_are_scored()
    {
        using var temp = new TempFolder();
        var good = SyntheticFootage.Walkway(temp.Combine("archive", "good.mp4"), 40);
        var bad = SyntheticFootage.BadInputs(temp.Combine("archive", "bad"), good);

        var progress = await ScanAsync(temp.Combine("archive"), temp.Combine("out"));

        Assert.Equal(ScanProgress.Completed, progress.State);
        Assert.Equal(6, progress.VideosTotal);
        Assert.Equal(5, progress.VideosFailed);
        var reports = Reports.ReadAll(temp.Combine("out"));
        Assert.Equal(6, reports.Count);
        var scored = Reports.For(reports, good);
        Assert.Equal(VideoReport.Ok, scored.Status);
        Assert.Equal(40, scored.FrameScores.Count);

        var expected = new Dictionary<string, string>
        {
            ["zero"] = "empty file",
            ["truncated"] = "",
            ["text"] = "not a readable video",
            ["audio"] = "no video stream",
            ["unreadable"] = "cannot read file",
        };
        foreach (var (kind, path) in bad)
        {
            var report = Reports.For(reports, path);
            Assert.Equal(VideoReport.Failed, report.Status);
            Assert.False(string.IsNullOrWhiteSpace(report.Error), $"{kind} has no reason");
            Assert.DoesNotContain('\n', report.Error);
            Assert.Contains(expected[kind], report.Error);
            Assert.Empty(report.FrameScores);
        }

        var summary = Reports.ReadSummary(temp.Combine("out"));
        Assert.Equal(1, summary.VideosOk);
        Assert.Equal(5, summary.VideosFailed);
        Assert.All(summary.Videos.Where(v => v.Status == VideoReport.Failed), v => Assert.False(string.IsNullOrEmpty(v.Error)));
    }

    [Fact]
    public async Task A_shard_that_keeps_failing_is_marked_failed_and_the_rest_of_its_video_is_reported()
    {
        using var temp = new TempFolder();
        var damaged = DamagedFootage.WithUndecodableTail(temp.Combine("archive", "damaged.avi"), 150, firstBad: ClusterFixture.ShardFrames);
        var good = SyntheticFootage.Walkway(temp.Combine("archive", "good.mp4"), 40);

        var progress = await ScanAsync(temp.Combine("archive"), temp.Combine("out"));

        Assert.Equal(ScanProgress.Completed, progress.State);
        var reports = Reports.ReadAll(temp.Combine("out"));
        var report = Reports.For(reports, damaged);
        Assert.Equal(VideoReport.Ok, report.Status);
        Assert.Equal(150, report.FrameScores.Count);
        // The first shard decodes and is scored; every frame after it is left unscored, with the reason.
        Assert.All(report.FrameScores.Take(ClusterFixture.ShardFrames), s => Assert.NotNull(s));
        Assert.All(report.FrameScores.Skip(ClusterFixture.ShardFrames), s => Assert.Null(s));
        Assert.Equal([64, 128], report.FailedShards.Select(f => f.FirstFrame));
        Assert.Equal(150 - ClusterFixture.ShardFrames, report.FailedShards.Sum(f => f.FrameCount));
        // The reason is FFmpeg's, not its closing "Conversion failed!".
        Assert.All(report.FailedShards, f => Assert.StartsWith("decoding failed: ", f.Error, StringComparison.Ordinal));
        Assert.All(report.FailedShards, f => Assert.DoesNotContain("Conversion failed", f.Error, StringComparison.Ordinal));
        Assert.All(report.Events, e => Assert.InRange(e.EndFrame, 0, ClusterFixture.ShardFrames - 1));
        // The other video of the job is untouched.
        Assert.All(Reports.For(reports, good).FrameScores, s => Assert.NotNull(s));
    }

    [Fact]
    public async Task An_injected_anomaly_is_reported_as_an_event_and_outranks_normal_footage()
    {
        using var temp = new TempFolder();
        var intruder = SyntheticFootage.Walkway(temp.Combine("in", "intruder.mp4"), 120, anomaly: (60, 85));
        var normal = SyntheticFootage.Walkway(temp.Combine("in", "normal.mp4"), 120);

        // Scored by a model of this walkway's normal footage, as a user would scan a new camera.
        await ScanAsync(temp.Combine("in"), temp.Combine("out"), await WalkwayModel.PathAsync());

        var reports = Reports.ReadAll(temp.Combine("out"));
        var scores = Reports.For(reports, intruder).FrameScores;
        var inside = scores.Skip(60).Take(26).Average();
        var outside = scores.Take(50).Average();
        Assert.True(inside > outside + 3, $"anomaly frames average {inside:F2}, normal frames {outside:F2}");
        var top = Reports.ReadSummary(temp.Combine("out")).Events.First();
        Assert.Equal(Path.GetFullPath(intruder), top.Source);
        Assert.True(top.Event.StartFrame <= 70 && top.Event.EndFrame >= 75, $"top event {top.Event.StartFrame}-{top.Event.EndFrame}");
        Assert.True(Reports.For(reports, normal).FrameScores.Max() < top.Event.PeakScore);
    }

    [Fact]
    public async Task Scanning_the_same_video_twice_gives_the_same_id_and_scores()
    {
        using var temp = new TempFolder();
        var video = SyntheticFootage.Walkway(temp.Combine("cam.mp4"), 90, anomaly: (50, 70));

        await ScanAsync(video, temp.Combine("first"));
        await ScanAsync(video, temp.Combine("second"));

        var first = Reports.ReadAll(temp.Combine("first")).Single();
        var second = Reports.ReadAll(temp.Combine("second")).Single();
        Assert.Equal(first.VideoId, second.VideoId);
        Assert.Equal(first.FrameScores, second.FrameScores);
    }
}
