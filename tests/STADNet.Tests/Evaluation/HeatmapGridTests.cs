using System.Text.Json;
using STADNet.Grains.Reports;

namespace STADNet.Tests.Evaluation;

public sealed class HeatmapGridTests
{
    private const string ReportHead =
        """{"videoId":"v","source":"/videos/01.mp4","status":"ok","frameScores":[0.5,1.5],"model":{"id":"i","version":1,"name":"n"}""";

    [Fact]
    public void Reads_the_report_form_and_decodes_bytes_to_calibrated_scores()
    {
        // Bytes 0, 51, 255 / 255, 0, 128: min + b/255 * (max - min) with min -4, max 12.
        var frame0 = Convert.ToBase64String(new byte[] { 0, 51, 255 });
        var frame1 = Convert.ToBase64String(new byte[] { 255, 0, 128 });
        var json = ReportHead + ""","heatmaps":{"columns":3,"rows":1,"min":-4.0,"max":12.0,"frames":["""
            + $"\"{frame0}\",\"{frame1}\"" + "]}}";

        var report = JsonSerializer.Deserialize<VideoReport>(json, ReportJson.Options)!;

        var grid = report.Heatmaps!;
        Assert.Equal(3, grid.Columns);
        Assert.Equal(1, grid.Rows);
        Assert.Equal(-4.0, grid.Min);
        Assert.Equal(12.0, grid.Max);
        Assert.Equal([-4f, -0.8f, 12f], grid.DecodeFrame(0));
        Assert.Equal([12f, -4f, (float)(-4 + 128 / 255.0 * 16)], grid.DecodeFrame(1));
        Assert.Equal([255, 0, 128], grid.DecodeFrameBytes(1));
    }

    [Fact]
    public void Absent_or_null_heatmaps_read_as_null()
    {
        Assert.Null(JsonSerializer.Deserialize<VideoReport>(ReportHead + "}", ReportJson.Options)!.Heatmaps);
        Assert.Null(JsonSerializer.Deserialize<VideoReport>(ReportHead + ""","heatmaps":null}""", ReportJson.Options)!.Heatmaps);
    }

    [Fact]
    public void Round_trips_through_report_json_in_camel_case()
    {
        var report = new VideoReport
        {
            VideoId = "v",
            Source = "/videos/01.mp4",
            Status = VideoReport.Ok,
            FrameScores = [0.5f],
            Model = new ModelStamp("i", 1, "n"),
            Heatmaps = new HeatmapGrid { Columns = 2, Rows = 2, Min = -1, Max = 3, Frames = [Convert.ToBase64String(new byte[] { 1, 2, 3, 4 })] },
        };

        var json = JsonSerializer.Serialize(report, ReportJson.Options);
        using (var doc = JsonDocument.Parse(json))
        {
            var h = doc.RootElement.GetProperty("heatmaps");
            Assert.Equal(2, h.GetProperty("columns").GetInt32());
            Assert.Equal(2, h.GetProperty("rows").GetInt32());
            Assert.Equal(-1, h.GetProperty("min").GetDouble());
            Assert.Equal(3, h.GetProperty("max").GetDouble());
            Assert.Equal("AQIDBA==", h.GetProperty("frames")[0].GetString());
            // Only the five fields: the decode methods add nothing to the file.
            Assert.Equal(5, h.EnumerateObject().Count());
        }

        var back = JsonSerializer.Deserialize<VideoReport>(json, ReportJson.Options)!.Heatmaps!;
        Assert.Equal([1, 2, 3, 4], back.DecodeFrameBytes(0));
    }

    [Fact]
    public void Malformed_frames_and_grids_are_invalid_data()
    {
        var grid = new HeatmapGrid { Columns = 2, Rows = 2, Min = 0, Max = 1, Frames = ["AQID", "not base64!", "AQIDBA=="] };
        Assert.Contains("holds 3 bytes", Assert.Throws<InvalidDataException>(() => grid.DecodeFrame(0)).Message);
        Assert.Contains("base64", Assert.Throws<InvalidDataException>(() => grid.DecodeFrame(1)).Message);
        Assert.Equal(4, grid.DecodeFrame(2).Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => grid.DecodeFrame(3));

        Assert.Throws<InvalidDataException>(() => (grid with { Min = 2 }).DecodeFrame(2));
        Assert.Throws<InvalidDataException>(() => (grid with { Max = double.NaN }).DecodeFrame(2));
        Assert.Throws<InvalidDataException>(() => (grid with { Columns = 0 }).DecodeFrame(2));
    }
}
