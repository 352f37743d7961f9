using STADNet.Client.Evaluation;
using STADNet.Tests.Support;

namespace STADNet.Tests.Evaluation;

public sealed class MaskReaderTests : IDisposable
{
    private readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    private string Folder(params string[] names) => Folder("clip", names);

    private string Folder(string clip, string[] names)
    {
        var dir = Directory.CreateDirectory(temp.Combine(clip)).FullName;
        foreach (var name in names) File.WriteAllBytes(Path.Combine(dir, name), []);
        return dir;
    }

    [Fact]
    public void Orders_by_frame_number_not_text()
    {
        var dir = Folder("10.png", "9.png", "8.PNG", "11.png", "notes.txt");
        Assert.Equal(["8.PNG", "9.png", "10.png", "11.png"], MaskReader.ListFrames(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Padded_and_prefixed_names_work()
    {
        var dir = Folder("frame_002.png", "frame_000.png", "frame_001.png");
        Assert.Equal(["frame_000.png", "frame_001.png", "frame_002.png"], MaskReader.ListFrames(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Gaps_repeats_and_unnumbered_names_are_errors()
    {
        Assert.Contains("not consecutive", Assert.Throws<InvalidDataException>(() => MaskReader.ListFrames(Folder("gap", ["000.png", "002.png"]))).Message);
        Assert.Contains("not consecutive", Assert.Throws<InvalidDataException>(() => MaskReader.ListFrames(Folder("repeat", ["1.png", "001.png"]))).Message);
        Assert.Contains("no frame number", Assert.Throws<InvalidDataException>(() => MaskReader.ListFrames(Folder("bare", ["mask.png"]))).Message);
    }

    [Fact]
    public void Decodes_white_and_black_with_area_averaging()
    {
        // 4x2 source: left half white, right half black; shrunk to 2x1 it averages to 255, 0; to 1x1 to about half.
        var dir = Directory.CreateDirectory(temp.Combine("clip")).FullName;
        var raw = temp.Combine("raw.gray");
        File.WriteAllBytes(raw, [255, 255, 0, 0, 255, 255, 0, 0]);
        Tool.Run("ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "gray", "-s", "4x2", "-i", raw,
            "-start_number", "0", Path.Combine(dir, "%03d.png"));
        var files = MaskReader.ListFrames(dir);

        Assert.Equal([255, 0], MaskReader.Decode(files, 2, 1, CancellationToken.None));
        Assert.InRange(MaskReader.Decode(files, 1, 1, CancellationToken.None)[0], 120, 135);
    }

    [Fact]
    public void A_file_that_is_not_png_is_invalid_data()
    {
        var dir = Directory.CreateDirectory(temp.Combine("clip")).FullName;
        File.WriteAllText(Path.Combine(dir, "000.png"), "not an image");
        Assert.Throws<InvalidDataException>(() => MaskReader.Decode(MaskReader.ListFrames(dir), 2, 1, CancellationToken.None));
    }
}
