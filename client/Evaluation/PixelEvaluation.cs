using STADNet.Grains.Reports;

namespace STADNet.Client.Evaluation;

/// <summary>
/// Pixel-level localisation: each frame's heatmap, upsampled bilinearly, against its ground-truth mask,
/// both on one <see cref="GridWidth"/> x <see cref="GridHeight"/> grid, with every pixel of every frame of
/// every clip that has masks pooled into one ROC AUC.
/// </summary>
public static class PixelEvaluation
{
    // Fine enough to resolve a pedestrian in 360x240 footage, coarse enough that a whole test set pools into
    // tens of megabytes; 3:2 like UCSD Ped2, so its masks shrink by the same factor both ways.
    public const int GridWidth = 96;
    public const int GridHeight = 64;

    /// <summary>An evaluation pixel is anomalous when at least half of the mask area it covers is (area-averaged value >= 128).</summary>
    public const byte AnomalousLevel = 128;

    /// <param name="clips">Evaluated clips and their reports (status ok, frame counts already checked against labels).</param>
    /// <param name="warnings">Receives clips left out and mask folders matching no clip.</param>
    /// <exception cref="DirectoryNotFoundException">The masks directory does not exist.</exception>
    /// <exception cref="InvalidDataException">Reports and masks cannot be evaluated together; the message says why.</exception>
    public static PixelMetrics Evaluate(IReadOnlyList<(string Clip, VideoReport Report)> clips, string masksDirectory,
        ICollection<string> warnings, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(masksDirectory))
        {
            throw new DirectoryNotFoundException($"masks directory '{masksDirectory}' does not exist.");
        }
        if (clips.All(c => c.Report.Heatmaps is null))
        {
            throw new InvalidDataException(
                $"the scan has no heatmaps: none of its {clips.Count} evaluated reports carries 'heatmaps', so there is nothing to score against the masks.");
        }

        // Everything that can be checked without decoding is checked first, so a bad clip fails fast.
        var plan = new List<(string Clip, HeatmapGrid Heatmaps, IReadOnlyList<string> Masks)>();
        foreach (var (clip, report) in clips)
        {
            var clipMasks = Path.Combine(masksDirectory, clip);
            if (!Directory.Exists(clipMasks))
            {
                warnings.Add($"clip '{clip}' has no masks under '{masksDirectory}'; left out of pixel-level AUC.");
                continue;
            }
            if (report.Heatmaps is not { } heatmaps)
            {
                warnings.Add($"clip '{clip}': report has no heatmaps; left out of pixel-level AUC.");
                continue;
            }
            var frames = report.FrameScores.Count;
            if (heatmaps.Frames.Count != frames)
            {
                throw new InvalidDataException(
                    $"clip '{clip}': report has {frames} frame scores but {heatmaps.Frames.Count} heatmap frames.");
            }
            if (frames > 0)
            {
                // Checks the grid's shape and range before any mask is decoded.
                Decode(clip, heatmaps, 0);
            }
            var masks = MaskReader.ListFrames(clipMasks);
            if (masks.Count != frames)
            {
                throw new InvalidDataException(
                    $"clip '{clip}': '{clipMasks}' holds {masks.Count} masks but the report has {frames} frames.");
            }
            plan.Add((clip, heatmaps, masks));
        }

        var evaluated = clips.Select(c => c.Clip).ToHashSet(StringComparer.Ordinal);
        foreach (var folder in Directory.EnumerateDirectories(masksDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (!evaluated.Contains(folder!))
            {
                warnings.Add($"mask folder '{folder}' matches no evaluated clip; ignored.");
            }
        }

        if (plan.Count == 0)
        {
            throw new InvalidDataException(
                $"no evaluated clip with heatmaps has masks under '{masksDirectory}' (expected <clip>/000.png ...); nothing to localise.");
        }

        const int gridPixels = GridWidth * GridHeight;
        var totalFrames = plan.Sum(p => p.Masks.Count);
        var total = (long)totalFrames * gridPixels;
        if (total > Array.MaxLength)
        {
            throw new InvalidDataException($"{totalFrames} frames make {total} pixels, more than one pool can hold.");
        }

        // One buffer for the whole pool: normal pixels fill it from the front, anomalous ones from the back,
        // so the two classes end up as two spans without knowing their sizes in advance.
        var pool = new float[total];
        var normalEnd = 0;
        var anomalousStart = pool.Length;
        var upsampled = new float[gridPixels];
        foreach (var (clip, heatmaps, maskFiles) in plan)
        {
            var masks = MaskReader.Decode(maskFiles, GridWidth, GridHeight, cancellationToken);
            var upsampler = new HeatmapUpsampler(heatmaps.Columns, heatmaps.Rows, GridWidth, GridHeight);
            for (var frame = 0; frame < maskFiles.Count; frame++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                upsampler.Upsample(Decode(clip, heatmaps, frame), upsampled);
                var mask = masks.AsSpan(frame * gridPixels, gridPixels);
                for (var p = 0; p < gridPixels; p++)
                {
                    if (mask[p] >= AnomalousLevel)
                    {
                        pool[--anomalousStart] = upsampled[p];
                    }
                    else
                    {
                        pool[normalEnd++] = upsampled[p];
                    }
                }
            }
        }

        var anomalous = pool.Length - anomalousStart;
        if (anomalous == 0 || normalEnd == 0)
        {
            var only = anomalous == 0 ? "normal" : "anomalous";
            throw new InvalidDataException(
                $"all {pool.Length} mask pixels of {totalFrames} frames are {only}; pixel-level AUC needs both classes.");
        }

        return new PixelMetrics(
            MasksDirectory: masksDirectory,
            Auc: RocMetrics.Auc(pool.AsSpan(anomalousStart), pool.AsSpan(0, normalEnd)),
            Videos: plan.Count,
            Frames: totalFrames,
            Pixels: pool.Length,
            AnomalousPixels: anomalous,
            GridWidth: GridWidth,
            GridHeight: GridHeight);
    }

    private static float[] Decode(string clip, HeatmapGrid heatmaps, int frame)
    {
        try
        {
            return heatmaps.DecodeFrame(frame);
        }
        catch (InvalidDataException e)
        {
            // The grid's own message does not know which report it came from.
            throw new InvalidDataException($"clip '{clip}': {e.Message}", e);
        }
    }
}
