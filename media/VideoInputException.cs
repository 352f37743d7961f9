namespace STADNet.Media;

/// <summary>A video that cannot be probed or decoded; <see cref="Exception.Message"/> is a one-line reason for reports.</summary>
/// <remarks>The reason is redacted here, once, because every path to a report or log line goes through it.</remarks>
public sealed class VideoInputException(string message, Exception? inner = null) : Exception(SecretRedactor.Redact(message), inner);
