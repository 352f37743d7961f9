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

    public static EvaluationResult Evaluate(string scanDirectory, string labelsPath) =>
        Evaluate(scanDirectory, FrameLabels.Load(labelsPath));

    /// <exception cref="DirectoryNotFoundException">The scan directory does not exist.</exception>
    /// <exception cref="InvalidDataException">Reports and labels cannot be evaluated together; the message says why.</exception>
    public static EvaluationResult Evaluate(string scanDirectory, FrameLabels labels)
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
            if (report.FrameScores.Any(float.IsNaN))
            {
                throw new InvalidDataException($"clip '{clip}': report holds NaN frame scores.");
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
        var truth = new List<bool>();
        var perVideo = new List<VideoEvaluation>(matched.Count);
        var macroSum = 0.0;
        var macroCount = 0;
        foreach (var (clip, report, clipLabels) in matched)
        {
            var videoScores = report.FrameScores.Select(s => (double)s).ToArray();
            scores.AddRange(videoScores);
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
            EqualErrorRate: RocMetrics.EqualErrorRate(scores, truth),
            AveragePrecision: RocMetrics.AveragePrecision(scores, truth),
            Threshold: threshold,
            Confusion: RocMetrics.ConfusionAt(scores, truth, threshold),
            PerVideo: perVideo,
            Warnings: warnings);
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
