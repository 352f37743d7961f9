namespace STADNet.Model;

/// <summary>
/// A shard's frames after the per-frame part of the score formula: the combined component z-scores
/// (smoothing and standardising need the whole video) and the calibrated heatmap bytes.
/// </summary>
public sealed record ShardEvidence(float[] Combined, byte[] Heatmap);
