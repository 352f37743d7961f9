using STADNet.Client.Evaluation;

namespace STADNet.Tests.Evaluation;

public sealed class FrameLabelsTests
{
    private static FrameLabels Parse(string text) => FrameLabels.Parse(new StringReader(text), "labels.txt");

    [Fact]
    public void Parses_clips_frames_in_order()
    {
        var labels = Parse("# ground truth\n01 4 0 0 1 1\n\n02\t3  1 0 0\n03 0\n");
        Assert.Equal(3, labels.Count);
        Assert.True(labels.TryGet("01", out var a));
        Assert.Equal([false, false, true, true], a);
        Assert.True(labels.TryGet("02", out var b));
        Assert.Equal([true, false, false], b);
        Assert.True(labels.TryGet("03", out var c));
        Assert.Empty(c);
        Assert.False(labels.TryGet("04", out _));
    }

    [Theory]
    [InlineData("01 3 0 1\n", "labels.txt:1:", "declares 3 frames but lists 2")]
    [InlineData("01 1 0\n01 1 1\n", "labels.txt:2:", "more than once")]
    [InlineData("01 2 0 2\n", "labels.txt:1:", "frame 1: label '2' is not 0 or 1")]
    [InlineData("\n01 2 0 0.5\n", "labels.txt:2:", "label '0.5'")]
    [InlineData("01 x 0\n", "labels.txt:1:", "frame count 'x'")]
    [InlineData("01 -1\n", "labels.txt:1:", "frame count '-1'")]
    [InlineData("01\n", "labels.txt:1:", "no frame count")]
    public void Malformed_input_names_file_and_line(string text, string where, string what)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Parse(text));
        Assert.StartsWith(where, ex.Message);
        Assert.Contains(what, ex.Message);
    }

    [Fact]
    public void Load_uses_path_in_messages()
    {
        var path = Path.Combine(Path.GetTempPath(), $"labels-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "01 2 0 1\n02 2 0 7\n");
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => FrameLabels.Load(path));
            Assert.StartsWith($"{path}:2:", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
