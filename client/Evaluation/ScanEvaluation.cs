using System.Text.Json;
using STADNet.Grains.Reports;

namespace STADNet.Client.Evaluation;

/// <summary>
/// Scores a finished scan (<c>&lt;dir&gt;/*/report.json</c>) against frame labels. Videos are matched by
/// file stem of the report's source; unmatched ones on either side are warnings, not failures, so a
/// partial scan can still be judged on what it covers.
/// </summary>
public static class ScanEvaluation
{
    public const string ReportFileName = "report.json";

    public static EvaluationResult Evaluate(string scanDirectory, string labelsPath, string? masksDirectory = null,
        CancellationToken cancellationToken = default) =>
        Evaluate(scanDirectory, FrameLabels.Load(labelsPath), masksDirectory, cancellationToken);

    /// <param name="masksDirectory">When given, pixel masks (<c>&lt;clip&gt;/000.png ...</c>) to score the reports' heatmaps against.</param>
    /// <exception cref="DirectoryNotFoundException">The scan or masks directory does not exist.</exception>
    /// <exception cref="InvalidDataException">Reports, labels and masks cannot be evaluated together; the message says why.</exception>
    public static EvaluationResult Evaluate(string scanDirectory, FrameLabels labels, string? masksDirectory = null,
        CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(scanDirectory))
        {
            throw new DirectoryNotFoundException($"scan output directory '{scanDirectory}' does not exist.");
        }

        // Sorted so per-video output and pooled frame order are the same on every run and OS.
        var reportPaths = Directory.EnumerateDirectories(scanDirectory)
            .Select(d => Path.Combine(d, ReportFileName))
            .Where(File.Exists)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (reportPaths.Count == 0)
        {
            throw new InvalidDataException($"no */{ReportFileName} found under '{scanDirectory}'.");
        }

        var warnings = new List<string>();
        var matched = new List<(string Clip, VideoReport Report, IReadOnlyList<bool> Labels)>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal); // clip -> source, to catch stem clashes

        foreach (var path in reportPaths)
        {
            var report = Read(path);
            var clip = Path.GetFileNameWithoutExtension(report.Source);
            if (seen.TryGetValue(clip, out var earlier))
            {
                // Two videos with one stem would both claim the same labels; refuse rather than guess.
                throw new InvalidDataException(
                    $"clip '{clip}' is ambiguous: both '{earlier}' and '{report.Source}' map to it.");
            }
            seen[clip] = report.Source;

            if (!report.IsOk)
            {
                warnings.Add($"clip '{clip}': scan failed ({report.Error ?? report.Status}); not evaluated.");
                continue;
            }
            if (!labels.TryGet(clip, out var clipLabels))
            {
                warnings.Add($"clip '{clip}' ({report.Source}) has no labels; not evaluated.");
                continue;
            }
            if (report.FrameScores.Count != clipLabels.Count)
            {
                throw new InvalidDataException(
                    $"clip '{clip}': report has {report.FrameScores.Count} frame scores but labels have {clipLabels.Count} frames.");
            }
            if (report.FrameScores.Any(s => s is null || float.IsNaN(s.Value)))
            {
                throw new InvalidDataException($"clip '{clip}': report holds unscored frames ({report.FailedShards.Count} failed shards); an AUC needs every frame.");
            }
            matched.Add((clip, report, clipLabels));
        }

        foreach (var clip in labels.Clips.Where(c => !seen.ContainsKey(c)).Order(StringComparer.Ordinal))
        {
            warnings.Add($"labelled clip '{clip}' has no report; not evaluated.");
        }

        if (matched.Count == 0)
        {
            throw new InvalidDataException(
                $"no report under '{scanDirectory}' matched a clip in '{labels.Source}'; nothing to evaluate.");
        }

        // The confusion is only meaningful at the threshold the scan actually used.
        var threshold = matched[0].Report.Threshold;
        var odd = matched.FirstOrDefault(m => !m.Report.Threshold.Equals(threshold));
        if (odd.Report is not null)
        {
            throw new InvalidDataException(
                $"reports disagree on the threshold: clip '{matched[0].Clip}' has {threshold}, clip '{odd.Clip}' has {odd.Report.Threshold}.");
        }

        var scores = new List<double>();
        var minMaxScores = new List<double>();
        var truth = new List<bool>();
        var perVideo = new List<VideoEvaluation>(matched.Count);
        var macroSum = 0.0;
        var macroCount = 0;
        foreach (var (clip, report, clipLabels) in matched)
        {
            var videoScores = report.FrameScores.Select(s => (double)s!.Value).ToArray();
            scores.AddRange(videoScores);
            minMaxScores.AddRange(MinMaxNormalise(videoScores));
            truth.AddRange(clipLabels);

            var anomalous = clipLabels.Count(l => l);
            double? auc = null;
            if (anomalous > 0 && anomalous < clipLabels.Count)
            {
                auc = RocMetrics.Auc(videoScores, clipLabels);
                macroSum += auc.Value;
                macroCount++;
            }
            perVideo.Add(new VideoEvaluation(clip, report.Source, clipLabels.Count, anomalous, auc));
        }

        var totalAnomalous = truth.Count(l => l);
        if (totalAnomalous == 0 || totalAnomalous == truth.Count)
        {
            var only = totalAnomalous == 0 ? "normal" : "anomalous";
            throw new InvalidDataException(
                $"all {truth.Count} matched frames are labelled {only}; AUC, EER and AP need both classes.");
        }

        return new EvaluationResult(
            ScanDirectory: scanDirectory,
            LabelsFile: labels.Source,
            Videos: matched.Count,
            Frames: truth.Count,
            AnomalousFrames: totalAnomalous,
            MicroAuc: RocMetrics.Auc(scores, truth),
            MacroAuc: macroCount == 0 ? null : macroSum / macroCount,
            MacroAucVideos: macroCount,
            MacroAucSkipped: matched.Count - macroCount,
            MinMaxAuc: RocMetrics.Auc(minMaxScores, truth),
            EqualErrorRate: RocMetrics.EqualErrorRate(scores, truth),
            AveragePrecision: RocMetrics.AveragePrecision(scores, truth),
            Threshold: threshold,
            Confusion: RocMetrics.ConfusionAt(scores, truth, threshold),
            Pixel: masksDirectory is null
                ? null
                : PixelEvaluation.Evaluate(matched.Select(m => (m.Clip, m.Report)).ToList(), masksDirectory, warnings, cancellationToken),
            PerVideo: perVideo,
            Warnings: warnings);
    }

    /// <summary>
    /// Maps one video's scores onto [0, 1] by its own min and max, as most papers do before pooling, so
    /// videos whose scores sit on different levels still rank fairly. A constant video has no range to
    /// stretch and maps to 0. Infinite scores (a log of zero error) take the ends, 0 and 1, and the
    /// finite ones span the range between, so one of them cannot turn the whole video into NaN.
    /// </summary>
    public static double[] MinMaxNormalise(IReadOnlyList<double> scores)
    {
        var finite = scores.Where(double.IsFinite).ToList();
        var min = finite.Count > 0 ? finite.Min() : 0;
        var range = finite.Count > 0 ? finite.Max() - min : 0;
        return scores.Select(s => s switch
        {
            double.PositiveInfinity => 1,
            double.NegativeInfinity => 0,
            _ when range > 0 => (s - min) / range,
            _ => 0,
        }).ToArray();
    }

    private static VideoReport Read(string path)
    {
        try
        {
            return ReportJson.ReadVideoReport(path);
        }
        catch (JsonException ex)
        {
            // JsonException alone does not say which of many reports was broken.
            throw new InvalidDataException($"{path}: not a valid report ({ex.Message})", ex);
        }
    }
}
