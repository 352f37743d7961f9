namespace STADNet.Model;

/// <summary>
/// How rigidly movers glide in normal footage, and how far a frame's most rigid mover departs from that: a frame's glide is
/// log(<see cref="Offset"/> + the largest glide of its cells, <see cref="MoverGlide"/>), a ratio on a log scale;
/// <see cref="Frame"/> is its mean and spread on held-out normal frames. A walker's cell glides about 1 on Ped2; a skater,
/// a cyclist or a cart, moving as one piece, several times more. <see cref="MovingShare"/> is the share of a cell's pixels
/// that must move for it to count, as the glides were measured for the fit: a scan measures them the same way. A checkpoint
/// written before it was recorded holds none and was fitted with <see cref="MoverGlide.FirstMovingShare"/>.
/// </summary>
public sealed record GlideCalibration(int Cells, ComponentCalibration Frame, double MovingShare = MoverGlide.FirstMovingShare)
{
    /// <summary>Added before the log, about a tenth of a walker's glide, so a frame with no counted cell stays finite.</summary>
    public const double Offset = 0.1;

    /// <summary>The frame's glide: log(Offset + its largest cell glide).</summary>
    public double Value(ReadOnlySpan<float> cells)
    {
        if (cells.Length != Cells) throw new ArgumentException($"a frame has {Cells} cells", nameof(cells));
        double largest = 0;
        foreach (var g in cells) largest = Math.Max(largest, g);
        return Math.Log(Offset + largest);
    }

    /// <summary>The frame's glide z-scored against held-out normal frames.</summary>
    public double Z(ReadOnlySpan<float> cells) => Frame.Z(Value(cells));

    /// <summary>
    /// Fits on held-out normal evidence of <paramref name="cells"/> cells a frame, its glides measured with <paramref name="movingShare"/>; null when some of it carries no glides, or when
    /// no cell of it counts (movers too small in the view to fill a quarter of a cell): with no spread to judge by, any one
    /// counting cell would look infinitely unusual.
    /// </summary>
    public static GlideCalibration? Fit(IReadOnlyList<FrameEvidence> heldOut, int cells, double movingShare = MoverGlide.DefaultMovingShare)
    {
        if (heldOut.Any(e => e.Glides is null) || !heldOut.Any(e => e.Glides!.Any(g => g > 0))) return null;
        var partial = new GlideCalibration(cells, new ComponentCalibration(0, 1), movingShare);
        var values = heldOut.SelectMany(e => Enumerable.Range(0, e.Count).Select(i => partial.Value(e.Glides.AsSpan(i * cells, cells)))).ToArray();
        return partial with { Frame = ComponentCalibration.Fit(values) };
    }
}
