using System.CommandLine;
using System.Text.Json;
using STADNet.Client.Commands;
using STADNet.Client.Evaluation;
using STADNet.Grains.Reports;

namespace STADNet.Tests.Evaluation;

/// <summary>End to end over a temp scan directory; xunit makes one instance per test, so each gets its own dir.</summary>
public sealed class ScanEvaluationTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("stadnet-eval-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private void WriteReport(string videoId, string source, float[] scores, double threshold = 0.5, string status = VideoReport.Ok)
    {
        var report = new VideoReport
        {
            VideoId = videoId,
            Source = source,
            Status = status,
            Error = status == VideoReport.Ok ? null : "decode failed",
            FrameCount = scores.Length,
            Fps = 25,
            FrameScores = scores.Select(s => (float?)s).ToArray(),
            Threshold = threshold,
            Model = new ModelStamp("id", 1, "name"),
        };
        var videoDir = Directory.CreateDirectory(Path.Combine(dir, videoId)).FullName;
        File.WriteAllText(Path.Combine(videoDir, "report.json"), JsonSerializer.Serialize(report, ReportJson.Options));
    }

    private string WriteLabels(string text)
    {
        var path = Path.Combine(dir, "labels.txt");
        File.WriteAllText(path, text);
        return path;
    }

    private void WriteTwoVideoScan()
    {
        // Scores are exact binary fractions so float → double changes nothing.
        WriteReport("v1", "/videos/01.mp4", [0.125f, 0.375f, 0.375f, 0.875f]);
        WriteReport("v2", "/videos/02.avi", [0.25f, 0.75f, 0.625f]);
    }

    [Fact]
    public void Evaluates_two_videos_end_to_end()
    {
        WriteTwoVideoScan();
        var labels = WriteLabels("01 4 0 0 1 1\n02 3 0 0 0\n");

        var r = ScanEvaluation.Evaluate(dir, labels);

        Assert.Equal(2, r.Videos);
        Assert.Equal(7, r.Frames);
        Assert.Equal(2, r.AnomalousFrames);
        Assert.Empty(r.Warnings);

        // Clip 01 is the tied example: AUC 0.875. Clip 02 is all normal → no AUC, skipped from macro.
        Assert.Equal(0.875, r.PerVideo.Single(v => v.Clip == "01").Auc!.Value, 12);
        Assert.Null(r.PerVideo.Single(v => v.Clip == "02").Auc);
        Assert.Equal(0.875, r.MacroAuc!.Value, 12);
        Assert.Equal(1, r.MacroAucVideos);
        Assert.Equal(1, r.MacroAucSkipped);

        // Pooled: anomalous {0.875, 0.375}; normal {0.125, 0.375, 0.25, 0.75, 0.625}.
        // 0.875 beats all 5; 0.375 beats 0.125 and 0.25, ties 0.375 → 2.5. AUC = 7.5 / 10 = 0.75.
        Assert.Equal(0.75, r.MicroAuc, 12);
        // Descending: 0.875(+) R ½ P 1; 0.75(−); 0.625(−); 0.375 tie(+,−) R 1 P 2/5. AP = ½ + ½·0.4 = 0.7.
        Assert.Equal(0.7, r.AveragePrecision, 12);
        // (FPR,FNR): (0,1) → (0,½) → (⅕,½) → (⅖,½) → (⅗,0). Crosses between the last two:
        // FPR−FNR −0.1 → +0.6, t = 1/7, EER = 0.4 + 0.2/7.
        Assert.Equal(0.4 + 0.2 / 7, r.EqualErrorRate, 12);

        // Threshold 0.5 flags 0.875(+), 0.75(−), 0.625(−): TP 1, FP 2, TN 3, FN 1.
        Assert.Equal(0.5, r.Threshold);
        Assert.Equal(new Confusion(1, 2, 3, 1), r.Confusion);
    }

    [Fact]
    public void Min_max_auc_rescales_each_video_before_pooling()
    {
        // Same ranking within each video, but video 02 sits ten times higher: its normal frames outrank 01's anomalies.
        WriteReport("v1", "/videos/01.mp4", [0, 1, 2, 3]);
        WriteReport("v2", "/videos/02.mp4", [10, 20, 30, 40]);
        // A constant video has no range; it must not turn into NaN.
        WriteReport("v3", "/videos/03.mp4", [7, 7]);
        var labels = WriteLabels("01 4 0 0 1 1\n02 4 0 0 1 1\n03 2 0 0\n");

        var r = ScanEvaluation.Evaluate(dir, labels);

        // Anomalous {2, 3, 30, 40} vs normal {0, 1, 10, 20, 7, 7}: 2 beats 0 and 1, 3 beats 0 and 1,
        // 30 and 40 beat all six → 16 / 24.
        Assert.Equal(16.0 / 24, r.MicroAuc, 12);
        // Scaled: 01 → 0, ⅓, ⅔, 1; 02 → 0, ⅓, ⅔, 1; 03 → 0, 0. Every anomaly beats every normal frame.
        Assert.Equal(1.0, r.MinMaxAuc, 12);
        Assert.Null(r.Pixel);
    }

    [Fact]
    public void Min_max_normalise_maps_range_to_unit_interval()
    {
        Assert.Equal([0, 0.25, 1, 0.5], ScanEvaluation.MinMaxNormalise([-2, -1, 2, 0]));
        Assert.Equal([0, 0, 0], ScanEvaluation.MinMaxNormalise([3, 3, 3]));
        Assert.Empty(ScanEvaluation.MinMaxNormalise([]));
        Assert.Equal([0, 0, 0.5, 1, 1], ScanEvaluation.MinMaxNormalise([double.NegativeInfinity, 2, 3, 4, double.PositiveInfinity]));
    }

    [Fact]
    public void Unmatched_reports_and_clips_are_warnings()
    {
        WriteTwoVideoScan();
        WriteReport("v3", "/videos/03.mp4", [], status: VideoReport.Failed);
        var labels = WriteLabels("01 4 0 0 1 1\n03 2 0 1\n09 2 0 1\n");

        var r = ScanEvaluation.Evaluate(dir, labels);

        Assert.Equal(1, r.Videos);
        Assert.Equal(3, r.Warnings.Count);
        Assert.Contains(r.Warnings, w => w.Contains("'02'") && w.Contains("no labels"));
        Assert.Contains(r.Warnings, w => w.Contains("'03'") && w.Contains("scan failed"));
        Assert.Contains(r.Warnings, w => w.Contains("'09'") && w.Contains("no report"));
    }

    [Fact]
    public void Frame_count_mismatch_names_the_clip()
    {
        WriteTwoVideoScan();
        var labels = WriteLabels("01 4 0 0 1 1\n02 4 0 0 0 1\n");

        var ex = Assert.Throws<InvalidDataException>(() => ScanEvaluation.Evaluate(dir, labels));
        Assert.Contains("clip '02'", ex.Message);
        Assert.Contains("3 frame scores", ex.Message);
        Assert.Contains("4 frames", ex.Message);
    }

    [Fact]
    public void No_matched_video_is_an_error()
    {
        WriteTwoVideoScan();
        var labels = WriteLabels("77 2 0 1\n");

        var ex = Assert.Throws<InvalidDataException>(() => ScanEvaluation.Evaluate(dir, labels));
        Assert.Contains("nothing to evaluate", ex.Message);
    }

    [Fact]
    public void Differing_thresholds_are_an_error()
    {
        WriteReport("v1", "/videos/01.mp4", [0.1f, 0.9f], threshold: 0.5);
        WriteReport("v2", "/videos/02.mp4", [0.1f, 0.9f], threshold: 0.6);
        var labels = WriteLabels("01 2 0 1\n02 2 0 1\n");

        var ex = Assert.Throws<InvalidDataException>(() => ScanEvaluation.Evaluate(dir, labels));
        Assert.Contains("threshold", ex.Message);
    }

    [Fact]
    public async Task Command_prints_table_and_writes_metrics_json()
    {
        WriteTwoVideoScan();
        var labels = WriteLabels("01 4 0 0 1 1\n02 3 0 0 0\n");
        var (code, stdout, stderr) = await InvokeAsync(["eval", dir, "--labels", labels]);

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        Assert.Contains("Micro AUC", stdout);
        Assert.Contains("0.7500", stdout);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "metrics.json")));
        Assert.Equal(0.75, json.RootElement.GetProperty("microAuc").GetDouble(), 12);
        // Scaled: 01 → 0, ⅓, ⅓(+), 1(+); 02 → 0, 1, ¾. 1 beats four and ties one (4.5), ⅓ beats two and ties one (2.5) → 0.7.
        Assert.Equal(0.7, json.RootElement.GetProperty("minMaxAuc").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("pixel").ValueKind);
        Assert.Contains("Min-max AUC", stdout);
        Assert.DoesNotContain("Pixel AUC", stdout);
        Assert.Equal(2, json.RootElement.GetProperty("videos").GetInt32());
        Assert.Equal(1, json.RootElement.GetProperty("confusion").GetProperty("truePositives").GetInt32());
    }

    [Fact]
    public async Task Command_reports_bad_input_on_one_line_with_exit_code_2()
    {
        WriteTwoVideoScan();
        var missing = await InvokeAsync(["eval", Path.Combine(dir, "nope"), "--labels", WriteLabels("01 1 0\n")]);
        Assert.Equal(2, missing.Code);
        Assert.StartsWith("error: scan output directory", missing.Stderr);

        var noLabels = await InvokeAsync(["eval", dir, "--labels", Path.Combine(dir, "missing.txt")]);
        Assert.Equal(2, noLabels.Code);
        Assert.StartsWith("error: labels file", noLabels.Stderr);

        var bad = await InvokeAsync(["eval", dir, "--labels", WriteLabels("01 2 0 x\n")]);
        Assert.Equal(2, bad.Code);
        Assert.Single(bad.Stderr.TrimEnd().Split('\n'));
        Assert.Contains("label 'x'", bad.Stderr);
        Assert.False(File.Exists(Path.Combine(dir, "metrics.json")));
    }

    private static async Task<(int Code, string Stdout, string Stderr)> InvokeAsync(string[] args)
    {
        var root = new RootCommand { EvalCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (code, stdout.ToString(), stderr.ToString());
    }
}
