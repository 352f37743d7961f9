namespace STADNet.Model;

/// <summary>
/// How fast movers go in normal footage at each height of the view, and how far a frame's fastest mover departs
/// from that. Under perspective a near walker crosses more pixels a frame than a far one, and height in the view is
/// what perspective follows, so a cell's mover speed (<see cref="MoverSpeed"/>) is divided by its row's normal
/// speed: the <see cref="ScaleQuantile"/> quantile of the moving cells of that row on held-out normal frames,
/// blended with the whole view's as if it had <see cref="PriorCells"/> cells more (a row where few walked judges
/// by the view). A frame's speed ratio is the largest over its moving cells (0 when none moves); <see cref="Frame"/>
/// is the ratio's mean and spread on held-out normal frames. Ped2's cyclists, skaters and carts outpace every walker.
/// </summary>
public sealed record SpeedCalibration(double[] RowScales, int Columns, ComponentCalibration Frame)
{
    /// <summary>A row's normal speed: this quantile of its moving cells' speeds, a brisk walker's.</summary>
    public const double ScaleQuantile = 0.9;
    /// <summary>Weight of the whole view's speed in a row's, in cells.</summary>
    public const int PriorCells = 50;

    /// <summary>The largest speed over normal of the frame's cells (row-major, <see cref="RowScales"/> rows), 0 when nothing moves.</summary>
    public double Ratio(ReadOnlySpan<float> cells)
    {
        if (cells.Length != Cells) throw new ArgumentException($"a frame has {Cells} cells", nameof(cells));
        double largest = 0;
        for (var k = 0; k < cells.Length; k++)
            if (cells[k] > 0) largest = Math.Max(largest, cells[k] / RowScales[k / Columns]);
        return largest;
    }

    /// <summary>Patch cells a frame has.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int Cells => RowScales.Length * Columns;

    /// <summary>The frame's speed ratio z-scored against held-out normal frames.</summary>
    public double Z(ReadOnlySpan<float> cells) => Frame.Z(Ratio(cells));

    /// <summary>Fits on held-out normal evidence (cell speeds of a <paramref name="rows"/> by <paramref name="columns"/> grid); null when no cell of it moves.</summary>
    public static SpeedCalibration? Fit(IReadOnlyList<FrameEvidence> heldOut, int rows, int columns)
    {
        if (heldOut.Any(e => e.Speeds is null)) return null;
        var cells = rows * columns;
        var byRow = Enumerable.Range(0, rows).Select(_ => new List<double>()).ToArray();
        foreach (var e in heldOut)
            for (var k = 0; k < e.Speeds!.Length; k++)
                if (e.Speeds[k] > 0) byRow[k % cells / columns].Add(e.Speeds[k]);
        var all = byRow.SelectMany(r => r).ToList();
        if (all.Count == 0) return null;
        var view = ComponentCalibration.Quantile(all.Order().ToArray(), ScaleQuantile);
        var scales = byRow.Select(r => r.Count == 0 ? view : (r.Count * ComponentCalibration.Quantile(r.Order().ToArray(), ScaleQuantile) + PriorCells * view) / (r.Count + PriorCells)).ToArray();
        var partial = new SpeedCalibration(scales, columns, new ComponentCalibration(0, 1));
        var ratios = heldOut.SelectMany(e => Enumerable.Range(0, e.Count).Select(i => partial.Ratio(e.Speeds.AsSpan(i * cells, cells)))).ToArray();
        return partial with { Frame = ComponentCalibration.Fit(ratios) };
    }
}
