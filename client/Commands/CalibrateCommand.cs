using System.CommandLine;
using System.Globalization;
using STADNet.Model;

namespace STADNet.Client.Commands;

/// <summary>
/// <c>stadnet calibrate &lt;folder&gt; --model &lt;in&gt; --out &lt;checkpoint&gt;</c>: refits a trained model's score
/// calibration on normal footage (a new camera's, or the training footage after a formula change)
/// without retraining; the weights are kept byte for byte.
/// </summary>
public static class CalibrateCommand
{
    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var folder = new Argument<string>("folder") { Description = "Folder of normal footage (searched recursively) or one video; the tail of each video is the held-out part, as in training." };
        var model = new Option<string?>("--model") { Description = "Checkpoint to recalibrate (default: the shipped model); an older format's weights are read too." };
        var output = new Option<string>("--out") { Description = "Checkpoint file to write.", Required = true };
        var pooled = new Option<int>("--pooled-cells")
        {
            Description = "A frame's appearance and motion evidence is the mean z-score of this many most unusual patch cells.",
            DefaultValueFactory = _ => ScoreCalibration.DefaultPooledCells,
        };
        var objectWeight = new Option<string>("--object-weight")
        {
            Description = "Weight of the object novelty in the score: moving windows judged by an ImageNet-pretrained ResNet18 against those of the normal footage. "
                + $"0 (the default) leaves it out; auto keeps whichever of {string.Join(", ", Trainer.ObjectWeightCandidates.Select(w => w.ToString(CultureInfo.InvariantCulture)))} separates the held-out pseudo-anomalies best (the smaller within {Trainer.HeldOutTie.ToString(CultureInfo.InvariantCulture)} of it).",
            DefaultValueFactory = _ => "0",
        };
        var speedWeight = new Option<string>("--speed-weight")
        {
            Description = "Weight of the mover speed in the score: the fastest moving patch against how fast things move at that height of the view in the normal footage. "
                + $"0 (the default) leaves it out; auto keeps whichever of {string.Join(", ", Trainer.SpeedWeightCandidates.Select(w => w.ToString(CultureInfo.InvariantCulture)))} separates the held-out pseudo-anomalies best, jointly with the object weight.",
            DefaultValueFactory = _ => "0",
        };
        var glideWeight = new Option<string>("--glide-weight")
        {
            Description = "Weight of the mover glide in the score: how rigidly the most rigid mover moves, its speed and the change it makes over the part of it the optical flow "
                + "leaves unexplained (a walker's legs swing; a skater, a cyclist or a cart moves as one piece). "
                + $"0 (the default) leaves it out; auto keeps whichever of {string.Join(", ", Trainer.GlideWeightCandidates.Select(w => w.ToString(CultureInfo.InvariantCulture)))} separates the held-out pseudo-anomalies best, jointly with the other weights.",
            DefaultValueFactory = _ => "0",
        };
        var glideShare = new Option<double>("--glide-share")
        {
            Description = "Share of a patch cell's pixels that must move for its glide to count (above 0, at most 1); the checkpoint records it, and scans measure glides "
                + "with it. At a mover's edge the change is mostly what was uncovered, which no flow explains.",
            DefaultValueFactory = _ => MoverGlide.DefaultMovingShare,
        };
        var crowd = new Option<string>("--crowd")
        {
            Description = "Judge a frame's feature novelty against normal frames as busy (a crowd raises it without being an anomaly): "
                + "yes, no (the default), or auto, which keeps it only when no score without it comes within "
                + $"{Trainer.HeldOutTie.ToString(CultureInfo.InvariantCulture)} of the best held-out AUC.",
            DefaultValueFactory = _ => "no",
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the held-out pseudo-anomalies the calibration is checked on.", DefaultValueFactory = _ => defaults.Seed };
        var heldOutClips = TrainCommand.HeldOutClipsOption(defaults);
        var command = new Command("calibrate", "Refit a trained model's normal features and score calibration on normal footage, keeping its learned weights.")
            { folder, model, output, pooled, objectWeight, speedWeight, glideWeight, glideShare, crowd, seed, heldOutClips };
        command.SetAction((result, cancellationToken) => CommandErrors.Guard(() =>
            RunAsync(result.GetValue(folder)!, result.GetValue(model), result.GetValue(output)!, result.GetValue(pooled), result.GetValue(objectWeight) ?? "0",
                result.GetValue(speedWeight) ?? "0", result.GetValue(glideWeight) ?? "0", result.GetValue(glideShare), result.GetValue(crowd) ?? "no", new TrainingOptions { Seed = result.GetValue(seed), HeldOutClipsPerKind = result.GetValue(heldOutClips) },
                cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(string folder, string? model, string output, int pooledCells, string objectWeight, string speedWeight,
        string glideWeight, double glideShare, string crowd, TrainingOptions options, CancellationToken cancellationToken)
    {
        TrainCommand.CheckHeldOutClips(options);
        var input = CheckpointFile.Resolve(model);
        var source = Checkpoint.LoadWeights(input);
        if (pooledCells < 1 || pooledCells > source.Settings.HeatmapCells)
            throw new UsageException($"--pooled-cells must be 1 to {source.Settings.HeatmapCells}, the cells of the patch grid");
        var weights = Weights(objectWeight, "--object-weight", Trainer.ObjectWeightCandidates);
        var speedWeights = Weights(speedWeight, "--speed-weight", Trainer.SpeedWeightCandidates);
        var glideWeights = Weights(glideWeight, "--glide-weight", Trainer.GlideWeightCandidates);
        if (!(glideShare > 0 && glideShare <= 1)) throw new UsageException($"--glide-share must be above 0 and at most 1; got {glideShare.ToString(CultureInfo.InvariantCulture)}");
        IReadOnlyList<bool> crowdCandidates = crowd.ToLowerInvariant() switch
        {
            "no" => [false],
            "yes" => [true],
            "auto" => [false, true],
            _ => throw new UsageException("--crowd must be yes, no or auto"),
        };
        if (!Directory.Exists(folder) && !File.Exists(folder)) throw new DirectoryNotFoundException($"footage not found: {folder}");
        var withObjects = weights.Any(w => w > 0);
        var videos = await TrainCommand.LoadAsync(folder, source.Settings, abnormal: false, cancellationToken, objectFrames: withObjects);
        Console.WriteLine($"recalibrating {Path.GetFileName(input)} (format version {source.Version}) on the held-out tails of {videos.Count} videos");
        var trainer = new Trainer(source.Settings, options);
        // Model work stays on this one thread: TorchSharp scopes and grad mode are per thread.
        var result = await CommandErrors.AsUsage(() => ModelThread.Run(() =>
        {
            using var network = source.CreateModel();
            var refit = trainer.Recalibrate(network, videos, pooledCells, cancellationToken, weights, speedWeights, crowdCandidates, glideWeights,
                glideShare: (float)glideShare);
            var header = new CheckpointHeader { Name = source.Name, Settings = source.Settings, Calibration = refit.Calibration, Training = source.Training };
            Checkpoint.Save(output, header, network); // the weights with their refitted normal features
            return refit;
        }, "stadnet-calibrate"));
        var saved = Checkpoint.Load(output);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.HeldOutFrames} held-out frames; held-out AUC, normal against pseudo-anomalous frames (cross-fitted): {result.HeldOutAuc:F4}"));
        if (result.LeftOutFrames > 0) Console.WriteLine($"{result.LeftOutFrames} held-out frame(s) left out of the check: their scores were not finite");
        if (result.Calibration.ObjectWeightChecks is { Count: > 1 } checks)
            foreach (var candidate in checks)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  object weight {candidate.Weight:G3}: held-out AUC {candidate.HeldOutAuc:F4}"));
        if (result.Calibration.SpeedWeightChecks is { Count: > 1 } speedChecks)
            foreach (var candidate in speedChecks)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  speed weight {candidate.Weight:G3}: held-out AUC {candidate.HeldOutAuc:F4}"));
        Console.WriteLine(result.Calibration.Speeds is null
            ? "mover speed left out"
            : string.Create(CultureInfo.InvariantCulture, $"mover speed at weight {result.Calibration.SpeedWeight:G3}"));
        if (result.Calibration.GlideWeightChecks is { Count: > 1 } glideChecks)
            foreach (var candidate in glideChecks)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  glide weight {candidate.Weight:G3}: held-out AUC {candidate.HeldOutAuc:F4}"));
        if (glideWeights.Any(w => w > 0))
            Console.WriteLine(result.Calibration.UsesGlides
                ? string.Create(CultureInfo.InvariantCulture, $"mover glide at weight {result.Calibration.GlideWeight:G3} (cells count where {result.Calibration.Glides!.MovingShare:G3} of the pixels move)")
                : source.Settings.MotionStream ? "mover glide left out: it did not separate the held-out pseudo-anomalies better" : "mover glide left out: the model has no motion stream");
        if (result.Calibration.CrowdChecks is { Count: > 1 } crowdChecks)
            foreach (var candidate in crowdChecks)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  crowd correction {(candidate.Weight > 0 ? "on" : "off")}: held-out AUC {candidate.HeldOutAuc:F4}"));
        Console.WriteLine(result.Calibration.Crowd is { } busy
            ? string.Create(CultureInfo.InvariantCulture, $"crowd correction on: feature novelty {busy.Slope:F3} lower per moving cell above {busy.MeanMoving:F1}")
            : CrowdOff(crowdCandidates, result.Calibration, source.Settings));
        if (withObjects)
            Console.WriteLine(result.Calibration.UsesObjects
                ? string.Create(CultureInfo.InvariantCulture, $"object novelty at weight {result.Calibration.ObjectWeight:G3}")
                : result.Calibration.ObjectWeightChecks is null
                    ? "object novelty left out: too little moves in this footage to judge a moving thing by"
                    : "object novelty left out: it did not separate the held-out pseudo-anomalies better");
        Console.WriteLine($"threshold {result.Calibration.Threshold:F3}; wrote {output} (model {saved.Id})");
        return 0;
    }

    /// <summary>Why the calibration has no crowd correction, when one was asked for.</summary>
    private static string CrowdOff(IReadOnlyList<bool> asked, ScoreCalibration calibration, ModelSettings settings)
    {
        if (!asked.Contains(true)) return "crowd correction off";
        if (!settings.MotionStream) return "crowd correction off: the model has no motion stream to count movers with";
        var aucs = calibration.CrowdChecks?.Select(c => c.HeldOutAuc).ToList() ?? [];
        if (aucs.Count > 1 && aucs.All(a => a is null)) return "crowd correction off: with one held-out video there is no held-out AUC to compare it by";
        // With nothing to take off, the score with the correction is the score without it: the two checks are equal.
        return aucs.Distinct().Count() > 1
            ? "crowd correction off: it did not separate the held-out pseudo-anomalies better"
            : "crowd correction off: busier held-out normal frames are not more novel here, so there is nothing to take off";
    }

    /// <summary>The weights an option asks to compare: one number of 0 or more, or auto (<paramref name="candidates"/>).</summary>
    private static IReadOnlyList<double> Weights(string value, string option, IReadOnlyList<double> candidates)
    {
        if (string.Equals(value, "auto", StringComparison.OrdinalIgnoreCase)) return candidates;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) && weight >= 0 && double.IsFinite(weight))
            return [weight];
        throw new UsageException($"{option} must be auto or a number of 0 or more");
    }
}
