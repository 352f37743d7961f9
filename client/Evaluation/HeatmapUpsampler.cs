namespace STADNet.Client.Evaluation;

/// <summary>
/// Bilinear upsampling of a coarse patch grid to a finer grid over the same frame. Each cell's value sits at
/// its centre; output pixels are sampled at their own centres and clamp to the outer cells at the borders,
/// so a uniform grid stays uniform and nothing leaks in from outside the frame.
/// </summary>
public sealed class HeatmapUpsampler
{
    private readonly (int Low, int High, float Weight)[] xTaps;
    private readonly (int Low, int High, float Weight)[] yTaps;

    public HeatmapUpsampler(int columns, int rows, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Columns = columns;
        Rows = rows;
        Width = width;
        Height = height;
        // Taps are the same for every frame of a grid size, so they are worked out once.
        xTaps = Taps(columns, width);
        yTaps = Taps(rows, height);
    }

    public int Columns { get; }
    public int Rows { get; }
    public int Width { get; }
    public int Height { get; }

    /// <param name="grid">Row-major, <see cref="Columns"/> * <see cref="Rows"/> values, row 0 at the top.</param>
    /// <param name="output">Row-major, <see cref="Width"/> * <see cref="Height"/> values.</param>
    public void Upsample(ReadOnlySpan<float> grid, Span<float> output)
    {
        if (grid.Length != Columns * Rows)
        {
            throw new ArgumentException($"Grid holds {grid.Length} values; {Columns}x{Rows} needs {Columns * Rows}.", nameof(grid));
        }
        if (output.Length != Width * Height)
        {
            throw new ArgumentException($"Output holds {output.Length} values; {Width}x{Height} needs {Width * Height}.", nameof(output));
        }

        for (var y = 0; y < Height; y++)
        {
            var (top, bottom, wy) = yTaps[y];
            var topRow = grid.Slice(top * Columns, Columns);
            var bottomRow = grid.Slice(bottom * Columns, Columns);
            var outRow = output.Slice(y * Width, Width);
            for (var x = 0; x < Width; x++)
            {
                var (left, right, wx) = xTaps[x];
                var upper = topRow[left] + (topRow[right] - topRow[left]) * wx;
                var lower = bottomRow[left] + (bottomRow[right] - bottomRow[left]) * wx;
                outRow[x] = upper + (lower - upper) * wy;
            }
        }
    }

    /// <summary>For each output pixel along one axis: the two cells it lies between and the weight of the second.</summary>
    private static (int Low, int High, float Weight)[] Taps(int cells, int size)
    {
        var taps = new (int, int, float)[size];
        for (var i = 0; i < size; i++)
        {
            // Output pixel centre in cell units, where cell k's centre is at k.
            var u = Math.Clamp((i + 0.5) * cells / size - 0.5, 0, cells - 1);
            var low = (int)Math.Floor(u);
            var high = Math.Min(low + 1, cells - 1);
            taps[i] = (low, high, (float)(u - low));
        }
        return taps;
    }
}
