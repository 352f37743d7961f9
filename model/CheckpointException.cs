namespace STADNet.Model;

/// <summary>A checkpoint that cannot be used: missing, corrupt, or of a format this build does not know.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
