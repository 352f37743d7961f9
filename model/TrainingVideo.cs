namespace STADNet.Model;

/// <summary>Decoded normal footage for training: frames packed HWC at the model's input size.</summary>
public sealed record TrainingVideo(string Name, byte[] Pixels, int FrameCount);
