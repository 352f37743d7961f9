using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using STADNet.Client.Evaluation;
using STADNet.Grains.Reports;

namespace STADNet.Client.Commands;

/// <summary>
/// <c>stadnet eval &lt;scan-output-dir&gt; --labels &lt;file&gt; [--masks &lt;dir&gt;]</c>: frame-level metrics of a scan
/// against ground truth, and pixel-level localisation when masks are given.
/// </summary>
public static class EvalCommand
{
    public const string MetricsFileName = "metrics.json";

    public static Command Create()
    {
        var scanDir = new Argument<string>("scan-output-dir")
        {
            Description = "Directory a scan wrote: one <video-id>/report.json per video.",
        };
        var labels = new Option<string>("--labels")
        {
            Description = "Frame labels: one line per clip, '<clip> <nframes>' then one 0/1 per frame (1 = anomalous).",
            Required = true,
        };
        var masks = new Option<string?>("--masks")
        {
            Description = "Pixel masks: <dir>/<clip>/000.png ... one PNG per frame, white = anomalous; adds pixel-level AUC from the reports' heatmaps.",
        };

        var command = new Command("eval", "Score a scan against frame-level ground truth (AUC, EER, AP, F1) and write metrics.json.");
        command.Arguments.Add(scanDir);
        command.Options.Add(labels);
        command.Options.Add(masks);
        // Writers come from the invocation so tests can capture them instead of the console.
        command.SetAction((ParseResult r, CancellationToken ct) => CommandErrors.Guard(() => RunAsync(
            r.GetValue(scanDir)!, r.GetValue(labels)!, r.GetValue(masks), r.InvocationConfiguration.Output, r.InvocationConfiguration.Error, ct)));
        return command;
    }

    private static async Task<int> RunAsync(string scanDir, string labelsPath, string? masksDir, TextWriter stdout, TextWriter stderr, CancellationToken ct)
    {
        EvaluationResult result;
        try
        {
            if (!Directory.Exists(scanDir))
            {
                throw new UsageException($"scan output directory '{scanDir}' does not exist.");
            }
            if (!File.Exists(labelsPath))
            {
                throw new UsageException($"labels file '{labelsPath}' does not exist.");
            }
            if (masksDir is not null && !Directory.Exists(masksDir))
            {
                throw new UsageException($"masks directory '{masksDir}' does not exist.");
            }
            result = ScanEvaluation.Evaluate(scanDir, labelsPath, masksDir, ct);
        }
        catch (Exception ex) when (ex is UsageException or IOException or InvalidDataException or ArgumentException or UnauthorizedAccessException)
        {
            // Caught here rather than left to CommandErrors.Guard: bad labels and mismatched reports are the
            // user's to fix (exit 2), and the message goes to the invocation's writer. It already names the
            // file, line or clip at fault.
            await stderr.WriteLineAsync($"error: {OneLine(ex.Message)}");
            return CommandErrors.Usage;
        }

        foreach (var warning in result.Warnings)
        {
            await stderr.WriteLineAsync($"warning: {warning}");
        }

        var metricsPath = Path.Combine(scanDir, MetricsFileName);
        await File.WriteAllTextAsync(metricsPath, JsonSerializer.Serialize(result, ReportJson.Options), ct);

        await stdout.WriteAsync(FormatTable(result));
        await stdout.WriteLineAsync($"metrics written to {metricsPath}");
        return 0;
    }

    /// <summary>The summary table printed to stdout; invariant culture so output is the same everywhere.</summary>
    public static string FormatTable(EvaluationResult result)
    {
        var c = result.Confusion;
        var macro = result.MacroAuc is { } m
            ? $"{F(m)}  ({result.MacroAucVideos} videos, {result.MacroAucSkipped} skipped: one class only)"
            : $"n/a     (all {result.MacroAucSkipped} videos hold one class only)";
        var rows = new (string Name, string Value)[]
        {
            ("Videos", result.Videos.ToString(CultureInfo.InvariantCulture)),
            ("Frames", $"{result.Frames} ({result.AnomalousFrames} anomalous)"),
            ("Micro AUC", F(result.MicroAuc)),
            ("Macro AUC", macro),
            ("Min-max AUC", $"{F(result.MinMaxAuc)}  (each video's scores scaled to [0, 1] before pooling)"),
            ("EER", F(result.EqualErrorRate)),
            ("AP", F(result.AveragePrecision)),
            ("Threshold", result.Threshold.ToString("G6", CultureInfo.InvariantCulture)),
            ("Accuracy", F(c.Accuracy)),
            ("Precision", F(c.Precision)),
            ("Recall", F(c.Recall)),
            ("F1", F(c.F1)),
            ("TP/FP/TN/FN", $"{c.TruePositives}/{c.FalsePositives}/{c.TrueNegatives}/{c.FalseNegatives}"),
        };
        if (result.Pixel is { } p)
        {
            rows =
            [
                .. rows,
                ("Pixel AUC", $"{F(p.Auc)}  ({p.Videos} videos, {p.Frames} frames, {p.GridWidth}x{p.GridHeight} grid)"),
                ("Pixels", $"{p.Pixels} ({p.AnomalousPixels} anomalous)"),
            ];
        }

        var sb = new StringBuilder();
        var width = rows.Max(row => row.Name.Length) + 2;
        foreach (var (name, value) in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name.PadRight(width)}{value}\n");
        }

        var clipWidth = Math.Max("clip".Length, result.PerVideo.Max(v => v.Clip.Length)) + 2;
        sb.Append('\n');
        sb.Append(CultureInfo.InvariantCulture, $"{"clip".PadRight(clipWidth)}{"frames",8}{"anomalous",11}{"AUC",9}\n");
        foreach (var v in result.PerVideo)
        {
            var auc = v.Auc is { } a ? F(a) : "n/a";
            sb.Append(CultureInfo.InvariantCulture, $"{v.Clip.PadRight(clipWidth)}{v.Frames,8}{v.AnomalousFrames,11}{auc,9}\n");
        }
        return sb.ToString();
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
