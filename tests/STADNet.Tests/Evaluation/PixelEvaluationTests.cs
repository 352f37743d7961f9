using System.CommandLine;
using System.Text.Json;
using STADNet.Client.Commands;
using STADNet.Client.Evaluation;
using STADNet.Grains.Reports;
using STADNet.Tests.Support;

namespace STADNet.Tests.Evaluation;

/// <summary>
/// Pixel-level AUC end to end: reports with hand-made 12x8 heatmaps, and masks drawn as raw bytes and
/// encoded to PNG by ffmpeg at test time, at twice the evaluation grid so the area downscale is exact.
/// </summary>
public sealed class PixelEvaluationTests : IDisposable
{
    private const int Columns = 12, Rows = 8;
    private const int MaskWidth = PixelEvaluation.GridWidth * 2, MaskHeight = PixelEvaluation.GridHeight * 2;
    private const string Labels = "01 4 0 1 1 0\n02 4 0 1 1 0\n";

    private readonly TempFolder temp = new();
    private readonly string scan;
    private readonly string masks;

    public PixelEvaluationTests()
    {
        scan = Directory.CreateDirectory(temp.Combine("scan")).FullName;
        masks = Directory.CreateDirectory(temp.Combine("masks")).FullName;
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Hot (byte 255) where <paramref name="hot"/> says, cold (0) elsewhere; column, row, frame.</summary>
    private static HeatmapGrid Heatmaps(int frames, Func<int, int, int, bool> hot) => new()
    {
        Columns = Columns,
        Rows = Rows,
        Min = -4,
        Max = 12,
        Frames = Enumerable.Range(0, frames).Select(f =>
        {
            var bytes = new byte[Columns * Rows];
            for (var r = 0; r < Rows; r++)
            for (var c = 0; c < Columns; c++)
                bytes[r * Columns + c] = hot(c, r, f) ? (byte)255 : (byte)0;
            return Convert.ToBase64String(bytes);
        }).ToList(),
    };

    private void WriteReport(string clip, int frames, HeatmapGrid? heatmaps)
    {
        var report = new VideoReport
        {
            VideoId = "id-" + clip,
            Source = $"/videos/{clip}.mp4",
            Status = VideoReport.Ok,
            FrameCount = frames,
            FrameScores = Enumerable.Range(0, frames).Select(i => (float?)i).ToArray(),
            Threshold = 0.5,
            Model = new ModelStamp("id", 1, "name"),
            Heatmaps = heatmaps,
        };
        var dir = Directory.CreateDirectory(Path.Combine(scan, report.VideoId)).FullName;
        File.WriteAllText(Path.Combine(dir, "report.json"), JsonSerializer.Serialize(report, ReportJson.Options));
    }

    /// <summary>Masks as PNGs, white where <paramref name="white"/> says (x, y in mask pixels, frame); names from <paramref name="name"/>.</summary>
    private void WriteMasks(string clip, int frames, Func<int, int, int, bool> white, Func<int, string>? name = null, string pixelFormat = "gray")
    {
        var dir = Directory.CreateDirectory(Path.Combine(masks, clip)).FullName;
        var raw = temp.Combine($"{clip}.gray");
        var bytes = new byte[frames * MaskWidth * MaskHeight];
        for (var f = 0; f < frames; f++)
        for (var y = 0; y < MaskHeight; y++)
        for (var x = 0; x < MaskWidth; x++)
            bytes[(f * MaskHeight + y) * MaskWidth + x] = white(x, y, f) ? (byte)255 : (byte)0;
        File.WriteAllBytes(raw, bytes);
        Tool.Run("ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray", "-s", $"{MaskWidth}x{MaskHeight}", "-i", raw,
            "-pix_fmt", pixelFormat, "-start_number", "0", Path.Combine(dir, "%03d.png"));
        if (name is not null)
        {
            for (var f = 0; f < frames; f++) File.Move(Path.Combine(dir, $"{f:000}.png"), Path.Combine(dir, name(f) + ".tmp"));
            for (var f = 0; f < frames; f++) File.Move(Path.Combine(dir, name(f) + ".tmp"), Path.Combine(dir, name(f)));
        }
    }

    private EvaluationResult Evaluate(string labels = Labels)
    {
        var path = temp.Combine("labels.txt");
        File.WriteAllText(path, labels);
        return ScanEvaluation.Evaluate(scan, path, masks);
    }

    // Half-frame regions in heatmap cells (column, row) and mask pixels (x, y).
    private static bool HotCell(string half, int c, int r) => half switch
    {
        "top" => r < Rows / 2,
        "bottom" => r >= Rows / 2,
        "left" => c < Columns / 2,
        _ => throw new ArgumentOutOfRangeException(nameof(half)),
    };

    private static bool WhitePixel(string half, int x, int y) => half switch
    {
        "top" => y < MaskHeight / 2,
        "bottom" => y >= MaskHeight / 2,
        "left" => x < MaskWidth / 2,
        _ => throw new ArgumentOutOfRangeException(nameof(half)),
    };

    [Theory]
    // Upsampled, a hot half still peaks inside its own half (the blend straddles the midline symmetrically),
    // so matching halves separate perfectly and opposite halves invert.
    [InlineData("top", "top", 1.0)]
    [InlineData("left", "left", 1.0)]
    [InlineData("top", "bottom", 0.0)]
    // Heat varies left to right only, truth top to bottom: both classes see the same scores.
    [InlineData("left", "top", 0.5)]
    public void Half_frame_heat_against_half_frame_masks(string heat, string truth, double expected)
    {
        foreach (var clip in new[] { "01", "02" })
        {
            WriteReport(clip, 4, Heatmaps(4, (c, r, _) => HotCell(heat, c, r)));
            WriteMasks(clip, 4, (x, y, _) => WhitePixel(truth, x, y));
        }

        var pixel = Evaluate().Pixel!;

        Assert.Equal(expected, pixel.Auc, 12);
        Assert.Equal(2, pixel.Videos);
        Assert.Equal(8, pixel.Frames);
        Assert.Equal(8L * 96 * 64, pixel.Pixels);
        Assert.Equal(8L * 96 * 64 / 2, pixel.AnomalousPixels);
        Assert.Equal((96, 64), (pixel.GridWidth, pixel.GridHeight));
    }

    [Fact]
    public void One_hot_cell_finds_its_object_and_misses_another()
    {
        // The hot cell (column 3, row 2) spans mask pixels x 48..63, y 32..47 (cells are 16 mask pixels square).
        WriteReport("01", 4, Heatmaps(4, (c, r, _) => c == 3 && r == 2));
        WriteMasks("01", 4, (x, y, _) => x is >= 48 and < 64 && y is >= 32 and < 48);
        // Clip 02's object sits at cell (9, 6), far from its hot cell: its pixels are all at the floor.
        WriteReport("02", 4, Heatmaps(4, (c, r, _) => c == 3 && r == 2));
        WriteMasks("02", 4, (x, y, _) => x is >= 144 and < 160 && y is >= 96 and < 112);

        var both = Evaluate().Pixel!;
        var hit = Evaluate("01 4 0 1 1 0\n").Pixel!;
        var miss = Evaluate("02 4 0 1 1 0\n").Pixel!;

        // The bilinear tent leaks a little heat onto neighbouring normal pixels, so not quite 1.
        Assert.InRange(hit.Auc, 0.98, 1.0);
        // Every object pixel is at the floor, tied with most normal pixels and below the rest.
        Assert.InRange(miss.Auc, 0.4, 0.5);
        Assert.InRange(both.Auc, miss.Auc, hit.Auc);
        Assert.Equal(1, hit.Videos);
    }

    [Fact]
    public void Unpadded_one_bit_masks_are_read_in_frame_order()
    {
        // A band of two heatmap rows moving down frame by frame: 12 frames, named 0.png ... 11.png.
        // Read in text order (0, 1, 10, 11, 2 ...), frames 4 onwards would meet other frames' masks.
        const int frames = 12;
        var labels = "01 12 0 1 1 0 0 1 1 0 0 1 1 0\n";
        WriteReport("01", frames, Heatmaps(frames, (_, r, f) => r / 2 == f % 4));
        // 1-bit greyscale PNGs, like the real UCSD masks.
        WriteMasks("01", frames, (_, y, f) => y / (MaskHeight / 4) == f % 4, f => $"{f}.png", pixelFormat: "monob");

        var pixel = Evaluate(labels).Pixel!;

        Assert.Equal(1.0, pixel.Auc, 12);
        Assert.Equal(frames * 96 * 64 / 4, pixel.AnomalousPixels);
    }

    [Fact]
    public void Clips_without_masks_or_heatmaps_are_left_out_with_warnings()
    {
        WriteReport("01", 4, Heatmaps(4, (c, r, _) => HotCell("top", c, r)));
        WriteMasks("01", 4, (x, y, _) => WhitePixel("top", x, y));
        WriteReport("02", 4, null);
        WriteMasks("02", 4, (x, y, _) => WhitePixel("bottom", x, y));
        WriteReport("03", 4, Heatmaps(4, (_, _, _) => true));
        WriteMasks("09", 4, (_, _, _) => false);

        var r = Evaluate(Labels + "03 4 0 1 1 0\n");

        Assert.Equal(1.0, r.Pixel!.Auc, 12);
        Assert.Equal(1, r.Pixel.Videos);
        Assert.Contains(r.Warnings, w => w.Contains("'02'") && w.Contains("no heatmaps"));
        Assert.Contains(r.Warnings, w => w.Contains("'03'") && w.Contains("no masks"));
        Assert.Contains(r.Warnings, w => w.Contains("'09'") && w.Contains("matches no evaluated clip"));
    }

    [Fact]
    public async Task Command_prints_pixel_auc_and_writes_it_to_metrics_json()
    {
        foreach (var clip in new[] { "01", "02" })
        {
            WriteReport(clip, 4, Heatmaps(4, (c, r, _) => HotCell("left", c, r)));
            WriteMasks(clip, 4, (x, y, _) => WhitePixel("left", x, y));
        }
        var labels = temp.Combine("labels.txt");
        File.WriteAllText(labels, Labels);

        var (code, stdout, stderr) = await InvokeAsync(["eval", scan, "--labels", labels, "--masks", masks]);

        Assert.Equal("", stderr);
        Assert.Equal(0, code);
        Assert.Contains("Pixel AUC    1.0000  (2 videos, 8 frames, 96x64 grid)\n", stdout);
        Assert.Contains("Pixels       49152 (24576 anomalous)\n", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(scan, "metrics.json")));
        var pixel = json.RootElement.GetProperty("pixel");
        Assert.Equal(1.0, pixel.GetProperty("auc").GetDouble(), 12);
        Assert.Equal(masks, pixel.GetProperty("masksDirectory").GetString());
        Assert.Equal(2, pixel.GetProperty("videos").GetInt32());
        Assert.Equal(8, pixel.GetProperty("frames").GetInt32());
        Assert.Equal(49152, pixel.GetProperty("pixels").GetInt64());
        Assert.Equal(24576, pixel.GetProperty("anomalousPixels").GetInt64());
        Assert.Equal(96, pixel.GetProperty("gridWidth").GetInt32());
        Assert.Equal(64, pixel.GetProperty("gridHeight").GetInt32());
    }

    [Fact]
    public async Task Bad_masks_and_missing_heatmaps_fail_on_one_line_with_exit_code_2()
    {
        var labels = temp.Combine("labels.txt");
        File.WriteAllText(labels, Labels);
        WriteReport("01", 4, null);
        WriteReport("02", 4, null);
        WriteMasks("01", 4, (x, y, _) => WhitePixel("top", x, y));

        var missing = await InvokeAsync(["eval", scan, "--labels", labels, "--masks", temp.Combine("nope")]);
        AssertOneLineError(missing, "masks directory");

        var noHeatmaps = await InvokeAsync(["eval", scan, "--labels", labels, "--masks", masks]);
        AssertOneLineError(noHeatmaps, "no heatmaps");

        WriteReport("01", 4, Heatmaps(4, (c, r, _) => HotCell("top", c, r)));
        File.Delete(Path.Combine(masks, "01", "003.png"));
        var short1 = await InvokeAsync(["eval", scan, "--labels", labels, "--masks", masks]);
        AssertOneLineError(short1, "clip '01'");
        Assert.Contains("3 masks", short1.Stderr);
        Assert.Contains("4 frames", short1.Stderr);
        Assert.False(File.Exists(Path.Combine(scan, "metrics.json")));
    }

    private static void AssertOneLineError((int Code, string Stdout, string Stderr) result, string expected)
    {
        Assert.Equal(2, result.Code);
        Assert.StartsWith("error: ", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.Contains(expected, result.Stderr);
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
