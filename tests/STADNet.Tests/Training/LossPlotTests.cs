using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using STADNet.Client.Training;
using STADNet.Model;
using STADNet.Tests.Support;

namespace STADNet.Tests.Training;

/// <summary>The loss plot is checked with tools other than its own code: a separate CRC-32 and FFmpeg's PNG decoder.</summary>
public sealed class LossPlotTests
{
    // Train loss falls geometrically from 1 to 0.1 over epochs 1..11; held-out stays 1.5x above it.
    private static List<EpochResult> Falling() =>
        Enumerable.Range(1, 11).Select(i =>
        {
            var train = Math.Pow(10, -(i - 1) / 10.0);
            return new EpochResult(i, train, train * 1.5, 30);
        }).ToList();

    [Fact]
    public void Png_has_signature_plot_sized_rgb_header_and_valid_chunk_crcs()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("run.training.png");
        LossPlot.Write(path, Falling());

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        var chunks = Chunks(bytes);
        Assert.Equal("IHDR", chunks[0].Type);
        Assert.Equal("IEND", chunks[^1].Type);
        Assert.Contains(chunks, c => c.Type == "IDAT");
        var ihdr = chunks[0].Data;
        Assert.Equal(13, ihdr.Length);
        Assert.Equal(LossPlot.Width, BinaryPrimitives.ReadInt32BigEndian(ihdr));
        Assert.Equal(LossPlot.Height, BinaryPrimitives.ReadInt32BigEndian(ihdr.AsSpan(4)));
        Assert.Equal(8, ihdr[8]); // bit depth
        Assert.Equal(2, ihdr[9]); // truecolour
    }

    [Fact]
    public void Ffmpeg_decodes_it_and_finds_both_lines_and_text()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("run.training.png");
        LossPlot.Write(path, Falling());

        var size = Tool.Run("ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", "stream=width,height", "-of", "csv=p=0", path).Trim();
        Assert.Equal($"{LossPlot.Width},{LossPlot.Height}", size);

        var rgb = Decode(folder, path);
        // A 3-pixel line across most of the width is thousands of pixels; the legend swatches alone are under 100.
        Assert.True(Count(rgb, LossPlot.TrainColour) > 1000, "train line missing");
        Assert.True(Count(rgb, LossPlot.HeldOutColour) > 1000, "held-out line missing");
        // Title, axis titles, tick labels and legend: text is the only thing drawn in this colour.
        Assert.True(Count(rgb, LossPlot.TextColour) > 2000, "labels missing");
    }

    [Fact]
    public void Loss_axis_is_logarithmic_with_higher_loss_drawn_higher()
    {
        using var folder = new TempFolder();
        var path = folder.Combine("run.training.png");
        LossPlot.Write(path, Falling());
        var rgb = Decode(folder, path);

        // Columns left of the legend; a geometric fall is a straight line only on a log axis
        // (on a linear one the middle column would sit about 100 pixels lower).
        double a = MeanRow(rgb, 200, LossPlot.TrainColour), b = MeanRow(rgb, 350, LossPlot.TrainColour), c = MeanRow(rgb, 500, LossPlot.TrainColour);
        Assert.True(a < b && b < c, $"train line should fall left to right: rows {a:F1}, {b:F1}, {c:F1}");
        Assert.InRange(b, (a + c) / 2 - 3, (a + c) / 2 + 3);
        Assert.True(MeanRow(rgb, 350, LossPlot.HeldOutColour) < b, "held-out loss is higher, so its line must be above");
    }

    [Fact]
    public void Odd_histories_still_give_a_decodable_plot()
    {
        using var folder = new TempFolder();
        // With no epochs only the legend swatch has the train colour: the baseline for "a point was drawn".
        var swatch = Count(Decode(folder, WritePlot(folder, "none", [])), LossPlot.TrainColour);
        var cases = new Dictionary<string, List<EpochResult>>
        {
            ["one"] = [new EpochResult(1, 0.02, 0.03, 5)],
            ["gaps"] = [new(1, 0.5, double.NaN, 1), new(2, 0, 0.4, 1), new(3, 0.1, double.PositiveInfinity, 1), new(4, 0.05, 0.2, 1)],
            ["flat"] = [new(1, 0.3, 0.3, 1), new(2, 0.3, 0.3, 1)],
            ["tiny"] = [new(1, 1e-7, 2e-7, 1), new(2, 1e-9, 3e-9, 1)],
            ["huge"] = [new(1, 5e6, 9e6, 1), new(500, 2e5, 3e5, 1)],
        };
        foreach (var (name, epochs) in cases)
        {
            var rgb = Decode(folder, WritePlot(folder, name, epochs));
            Assert.True(Count(rgb, LossPlot.TextColour) > 1000, $"{name}: labels missing");
            // A marker is 7x7 pixels.
            Assert.True(Count(rgb, LossPlot.TrainColour) >= swatch + 40, $"{name}: train points missing");
        }
    }

    private static string WritePlot(TempFolder folder, string name, List<EpochResult> epochs)
    {
        var path = folder.Combine($"{name}.training.png");
        LossPlot.Write(path, epochs);
        return path;
    }

    private static List<(string Type, byte[] Data)> Chunks(byte[] png)
    {
        var chunks = new List<(string, byte[])>();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var typeAndData = png.AsSpan(at + 4, 4 + length);
            var crc = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length));
            var type = Encoding.ASCII.GetString(typeAndData[..4]);
            Assert.True(Crc32.HashToUInt32(typeAndData) == crc, $"bad CRC on {type}");
            chunks.Add((type, typeAndData[4..].ToArray()));
            at += 12 + length;
        }
        return chunks;
    }

    /// <summary>Pixels as FFmpeg decodes them, RGB24 row by row.</summary>
    private static byte[] Decode(TempFolder folder, string png)
    {
        var raw = folder.Combine(Path.GetFileNameWithoutExtension(png) + ".rgb");
        Tool.Run("ffmpeg", "-v", "error", "-i", png, "-f", "rawvideo", "-pix_fmt", "rgb24", "-y", raw);
        var rgb = File.ReadAllBytes(raw);
        Assert.Equal(LossPlot.Width * LossPlot.Height * 3, rgb.Length);
        return rgb;
    }

    private static int Count(byte[] rgb, int colour)
    {
        var n = 0;
        for (var i = 0; i < rgb.Length; i += 3)
            if (Matches(rgb, i, colour)) n++;
        return n;
    }

    private static double MeanRow(byte[] rgb, int column, int colour)
    {
        var rows = Enumerable.Range(0, LossPlot.Height).Where(y => Matches(rgb, (y * LossPlot.Width + column) * 3, colour)).ToList();
        Assert.True(rows.Count > 0, string.Create(CultureInfo.InvariantCulture, $"no {colour:X6} pixel in column {column}"));
        return rows.Average();
    }

    private static bool Matches(byte[] rgb, int i, int colour) =>
        rgb[i] == (byte)(colour >> 16) && rgb[i + 1] == (byte)(colour >> 8) && rgb[i + 2] == (byte)colour;
}
