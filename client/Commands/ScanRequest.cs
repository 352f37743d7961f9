namespace STADNet.Client.Commands;

/// <summary>What <c>stadnet scan</c> was asked: where, with which model, and on which cluster (null: an embedded silo).</summary>
public sealed record ScanRequest(string Source, string Output, string? Model, int Slots, string? Cluster, string? BlobConnection, bool Detach);
