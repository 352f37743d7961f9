namespace STADNet.Media;

/// <summary>A video that cannot be probed or decoded; <see cref="Exception.Message"/> is a one-line reason for reports.</summary>
public sealed class VideoInputException(string message, Exception? inner = null) : Exception(message, inner);
