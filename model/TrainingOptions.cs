namespace STADNet.Model;

public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 12;
    public int BatchSize { get; init; } = 16;
    public double LearningRate { get; init; } = 2e-3;
    public double WeightDecay { get; init; } = 1e-5;
    /// <summary>Weight of the KL term against the reconstruction error.</summary>
    public double KlWeight { get; init; } = 0.01;
    /// <summary>The tail of every video held out for early stopping and calibration, so every camera is calibrated.</summary>
    public double HeldOutFraction { get; init; } = 0.15;
    /// <summary>Frames between the starts of consecutive training clips.</summary>
    public int ClipStride { get; init; } = 2;
    public int SmoothingWindow { get; init; } = 5;
    public double ThresholdQuantile { get; init; } = 0.995;
    public int Seed { get; init; } = 17;
}
