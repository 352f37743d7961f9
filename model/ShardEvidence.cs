namespace STADNet.Model;

/// <summary>
/// A shard's frames after the per-frame part of the score formula: the combined component z-scores
/// (smoothing and standardising need the whole video), the calibrated heatmap bytes, and the sparse
/// object novelty samples (NaN between them; null without object novelty), which are spread over
/// neighbouring frames across the whole video (<see cref="ScoreCalibration.AddObjects"/>).
/// </summary>
public sealed record ShardEvidence(float[] Combined, byte[] Heatmap, float[]? Objects = null);
