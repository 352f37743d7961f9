namespace STADNet.Grains.Reports;

/// <summary>
/// Per-frame low-resolution anomaly heatmaps of a video: one base64 string per frame (frame order
/// as the scores) of <see cref="Columns"/> x <see cref="Rows"/> bytes, row-major from the top left,
/// the grid covering the whole frame evenly. Byte b is the calibrated patch score
/// <c>Min + b / 255 * (Max - Min)</c>: standard deviations above held-out normal patches.
/// </summary>
public sealed record HeatmapGrid
{
    public required int Columns { get; init; }
    public required int Rows { get; init; }
    public required double Min { get; init; }
    public required double Max { get; init; }
    public required IReadOnlyList<string> Frames { get; init; }

    /// <summary>Calibrated patch scores of one frame, row-major.</summary>
    public float[] Decode(int frame)
    {
        var bytes = Convert.FromBase64String(Frames[frame]);
        if (bytes.Length != Columns * Rows) throw new InvalidDataException($"heatmap of frame {frame} has {bytes.Length} cells, expected {Columns * Rows}");
        return bytes.Select(b => (float)(Min + b / 255.0 * (Max - Min))).ToArray();
    }
}
