namespace STADNet.Storage;

/// <summary>Storage could not be reached for longer than the caller was willing to wait.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : Exception(message, inner);
