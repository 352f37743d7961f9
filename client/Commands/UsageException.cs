namespace STADNet.Client.Commands;

/// <summary>The command cannot run as asked: printed as one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
