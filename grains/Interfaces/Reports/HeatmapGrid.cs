namespace STADNet.Grains.Reports;

/// <summary>
/// Per-frame low-resolution anomaly heatmaps of one video: a <see cref="Columns"/> x <see cref="Rows"/> grid
/// covering the whole frame evenly, one base64 string per frame (same order as the frame scores), each
/// decoding to row-major bytes (row 0 = top, column 0 = left). Byte b stands for the calibrated patch
/// score <c>Min + b / 255 * (Max - Min)</c>: 8 bits per patch keeps reports small.
/// </summary>
public sealed record HeatmapGrid
{
    public required int Columns { get; init; }
    public required int Rows { get; init; }
    public required double Min { get; init; }
    public required double Max { get; init; }
    public required IReadOnlyList<string> Frames { get; init; }

    /// <summary>The raw bytes of one frame, checked against the grid size.</summary>
    /// <exception cref="InvalidDataException">The grid or the frame's data is malformed; the message says how.</exception>
    public byte[] DecodeFrameBytes(int frame)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frame);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(frame, Frames.Count);
        if (Columns <= 0 || Rows <= 0)
        {
            throw new InvalidDataException($"heatmap grid is {Columns}x{Rows}; both sides must be positive.");
        }
        // NaN fails both comparisons, so it lands here too.
        if (!(Max >= Min) || !double.IsFinite(Min) || !double.IsFinite(Max))
        {
            throw new InvalidDataException($"heatmap range [{Min}, {Max}] is not a finite range with max >= min.");
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(Frames[frame] ?? "");
        }
        catch (FormatException)
        {
            throw new InvalidDataException($"heatmap frame {frame} is not valid base64.");
        }
        if (bytes.Length != Columns * Rows)
        {
            throw new InvalidDataException(
                $"heatmap frame {frame} holds {bytes.Length} bytes; a {Columns}x{Rows} grid needs {Columns * Rows}.");
        }
        return bytes;
    }

    /// <summary>One frame's calibrated patch scores, row-major, <see cref="Columns"/> * <see cref="Rows"/> long.</summary>
    /// <exception cref="InvalidDataException">The grid or the frame's data is malformed; the message says how.</exception>
    public float[] DecodeFrame(int frame)
    {
        var bytes = DecodeFrameBytes(frame);
        var step = (Max - Min) / 255;
        var scores = new float[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            scores[i] = (float)(Min + bytes[i] * step);
        }
        return scores;
    }
}
