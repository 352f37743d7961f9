using System.Globalization;
using STADNet.Model;

namespace STADNet.Client.Training;

/// <summary>
/// Draws the per-epoch losses of <c>stadnet train</c> as a PNG: train and held-out loss against epoch.
/// The loss axis is logarithmic because losses fall by an order of magnitude or more, and a linear axis
/// flattens every epoch after the first few into the floor.
/// Self-contained (own raster, bitmap font and PNG encoder) because ScottPlot/SkiaSharp drew no text at all on a
/// machine without font files; this needs neither fonts nor native libraries.
/// </summary>
public static class LossPlot
{
    public const int Width = 800;
    public const int Height = 500;

    /// <summary>Colours as 0xRRGGBB; exact in the output since nothing is anti-aliased.</summary>
    public const int TrainColour = 0x1F77B4;
    public const int HeldOutColour = 0xFF7F0E;
    /// <summary>Used for text only, so its pixel count tells whether labels were drawn.</summary>
    public const int TextColour = 0x202020;

    private const int Background = 0xFFFFFF;
    private const int AxisColour = 0x000000;
    private const int GridColour = 0xE4E4E4;
    private const int LegendBorder = 0x909090;

    // Plot area: room on the left for tick labels and the rotated axis title, below for epochs, above for the title.
    private const int Left = 96, Right = Width - 24, Top = 48, Bottom = Height - 64;
    private const int LabelScale = 2, TitleScale = 3;
    private const int LineThickness = 3;
    private const int MaxMarkedEpochs = 40;

    public static void Write(string pngPath, IReadOnlyList<EpochResult> epochs)
    {
        ArgumentNullException.ThrowIfNull(pngPath);
        ArgumentNullException.ThrowIfNull(epochs);
        var sorted = epochs.OrderBy(e => e.Epoch).ToArray();
        var (xMin, xMax) = EpochRange(sorted);
        var (logMin, logMax) = LogLossRange(sorted);
        double X(double epoch) => Left + (epoch - xMin) / (xMax - xMin) * (Right - Left);
        double Y(double loss) => Bottom - (Math.Log10(loss) - logMin) / (logMax - logMin) * (Bottom - Top);

        var canvas = new RgbCanvas(Width, Height, Background);
        var labelHeight = (PixelFont.LineHeight - 2) * LabelScale;

        // Epoch axis: integer steps of 1, 2, 5, 10, ... so at most about ten labels, none before the first epoch
        // (a tick at 0 or below would label an epoch that never ran).
        var step = NiceStep((xMax - xMin) / 8);
        var firstTick = Math.Ceiling((sorted.Length > 0 ? sorted[0].Epoch : xMin) / step) * step;
        for (var epoch = firstTick; epoch <= xMax; epoch += step)
        {
            var x = (int)Math.Round(X(epoch));
            canvas.FillRect(x, Top, 1, Bottom - Top, GridColour);
            canvas.FillRect(x, Bottom, 1, 6, AxisColour);
            var label = epoch.ToString("0", CultureInfo.InvariantCulture);
            canvas.Text(x - PixelFont.Measure(label, LabelScale) / 2, Bottom + 10, label, LabelScale, TextColour);
        }

        // Loss axis: decades, with 2 and 5 (or every integer mantissa) in between when few decades are shown.
        var span = logMax - logMin;
        int[] mantissas = span >= 3 ? [1] : span >= 1 ? [1, 2, 5] : [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var decadeStep = Math.Max(1, (int)Math.Ceiling(span / 10));
        var lastLabelY = double.PositiveInfinity;
        for (var k = (int)Math.Floor(logMin); k <= (int)Math.Ceiling(logMax); k++)
        {
            if ((k % decadeStep + decadeStep) % decadeStep != 0) continue;
            foreach (var m in mantissas)
            {
                var value = m * Math.Pow(10, k);
                var log = Math.Log10(value);
                if (log < logMin || log > logMax) continue;
                var y = (int)Math.Round(Y(value));
                canvas.FillRect(Left, y, Right - Left, 1, GridColour);
                if (lastLabelY - y < labelHeight + 6) continue; // no room for a label between its neighbours
                lastLabelY = y;
                canvas.FillRect(Left - 6, y, 6, 1, AxisColour);
                var label = TickLabel(value);
                canvas.Text(Left - 10 - PixelFont.Measure(label, LabelScale), y - labelHeight / 2, label, LabelScale, TextColour);
            }
        }

        // Held-out first so the train line, usually the lower one, stays visible where they touch.
        DrawSeries(canvas, sorted, e => e.HeldOutLoss, HeldOutColour, X, Y);
        DrawSeries(canvas, sorted, e => e.TrainLoss, TrainColour, X, Y);
        canvas.StrokeRect(Left, Top, Right - Left + 1, Bottom - Top + 1, AxisColour);

        const string title = "STADNet training loss";
        canvas.Text((Width - PixelFont.Measure(title, TitleScale)) / 2, 12, title, TitleScale, TextColour);
        const string xTitle = "epoch";
        canvas.Text((Left + Right - PixelFont.Measure(xTitle, LabelScale)) / 2, Bottom + 38, xTitle, LabelScale, TextColour);
        const string yTitle = "loss (log scale)";
        canvas.TextUp(16, (Top + Bottom + PixelFont.Measure(yTitle, LabelScale)) / 2, yTitle, LabelScale, TextColour);

        DrawLegend(canvas, [("train loss", TrainColour), ("held-out loss", HeldOutColour)]);

        var directory = Path.GetDirectoryName(Path.GetFullPath(pngPath));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        canvas.SavePng(pngPath);
    }

    private static void DrawSeries(RgbCanvas canvas, EpochResult[] epochs, Func<EpochResult, double> loss, int colour,
        Func<double, double> x, Func<double, double> y)
    {
        // A loss that has no place on a log axis (NaN, infinite, zero) leaves a gap rather than a made-up point.
        var points = epochs.Select(e => loss(e)).Select((value, i) => double.IsFinite(value) && value > 0
            ? (X: x(epochs[i].Epoch), Y: y(value))
            : ((double X, double Y)?)null).ToArray();
        var marked = epochs.Length <= MaxMarkedEpochs;
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i] is not { } point) continue;
            var previous = i > 0 ? points[i - 1] : null;
            if (previous is { } p) canvas.Line(p.X, p.Y, point.X, point.Y, colour, LineThickness);
            // Past a few dozen epochs markers would merge into a thicker line; a point with no line to either side still gets one.
            var isolated = previous is null && (i + 1 == points.Length || points[i + 1] is null);
            if (marked || isolated)
                canvas.FillRect((int)Math.Round(point.X) - 3, (int)Math.Round(point.Y) - 3, 7, 7, colour);
        }
    }

    private static void DrawLegend(RgbCanvas canvas, (string Text, int Colour)[] entries)
    {
        const int padding = 10, swatch = 28, gap = 8, rowHeight = 24;
        var textWidth = entries.Max(e => PixelFont.Measure(e.Text, LabelScale));
        var width = padding + swatch + gap + textWidth + padding;
        // Labels have no descenders, so the box ends 7 glyph rows below the last row's top.
        var height = 2 * padding + (entries.Length - 1) * rowHeight + 7 * LabelScale;
        // Top right: losses fall, so the lines leave that corner empty.
        int left = Right - 10 - width, top = Top + 10;
        canvas.FillRect(left, top, width, height, Background);
        canvas.StrokeRect(left, top, width, height, LegendBorder);
        for (var i = 0; i < entries.Length; i++)
        {
            var rowTop = top + padding + i * rowHeight;
            var middle = rowTop + (PixelFont.LineHeight - 2) * LabelScale / 2;
            canvas.Line(left + padding, middle, left + padding + swatch, middle, entries[i].Colour, LineThickness);
            canvas.Text(left + padding + swatch + gap, rowTop, entries[i].Text, LabelScale, TextColour);
        }
    }

    private static (double Min, double Max) EpochRange(EpochResult[] epochs)
    {
        if (epochs.Length == 0) return (0.5, 1.5);
        double first = epochs[0].Epoch, last = epochs[^1].Epoch;
        if (last == first) return (first - 0.5, first + 0.5);
        var pad = (last - first) * 0.03; // keeps the end markers off the frame
        return (first - pad, last + pad);
    }

    /// <summary>log10 of the loss range shown: all positive finite losses, at least half a decade, a little margin.</summary>
    private static (double Min, double Max) LogLossRange(EpochResult[] epochs)
    {
        var logs = epochs.SelectMany(e => new[] { e.TrainLoss, e.HeldOutLoss })
            .Where(v => double.IsFinite(v) && v > 0).Select(Math.Log10).ToArray();
        double lo = logs.Length == 0 ? -1 : logs.Min(), hi = logs.Length == 0 ? 0 : logs.Max();
        if (hi - lo < 0.5)
        {
            var middle = (lo + hi) / 2;
            (lo, hi) = (middle - 0.25, middle + 0.25);
        }
        var pad = (hi - lo) * 0.06;
        return (lo - pad, hi + pad);
    }

    /// <summary>The smallest of 1, 2, 5, 10, 20, 50, ... not below <paramref name="rough"/>; epochs are whole numbers.</summary>
    private static double NiceStep(double rough)
    {
        for (var scale = 1.0; ; scale *= 10)
            foreach (var m in (ReadOnlySpan<int>)[1, 2, 5])
                if (m * scale >= rough) return m * scale;
    }

    /// <summary>"0.05", "200", or "1e-6" where plain digits would run long.</summary>
    private static string TickLabel(double value)
    {
        var abs = Math.Abs(value);
        // Ticks are one digit times a power of ten, so four decimals are exact down to 1e-4.
        if (abs >= 1e-4 && abs < 1e6) return value.ToString("0.####", CultureInfo.InvariantCulture);
        var exponent = (int)Math.Floor(Math.Log10(abs));
        var mantissa = Math.Round(value / Math.Pow(10, exponent), 2);
        if (mantissa >= 10) (mantissa, exponent) = (mantissa / 10, exponent + 1); // log10 rounded just below a power of ten
        return string.Create(CultureInfo.InvariantCulture, $"{mantissa:G3}e{exponent}");
    }
}
