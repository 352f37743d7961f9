namespace STADNet.Model;

/// <summary>
/// Decoded footage for training: frames packed HWC at the model's decode size. Normal footage
/// unless <see cref="Abnormal"/>: a user's labelled anomalies, used only as anomalous examples.
/// </summary>
public sealed record TrainingVideo(string Name, byte[] Pixels, int FrameCount, bool Abnormal = false);
