namespace STADNet.Silo;

/// <summary>This silo's place in the cluster; bound from the <c>Silo</c> section and STADNET_* variables.</summary>
public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>Concurrent model slots (dedicated model threads) on this silo.</summary>
    public int WorkerSlots { get; set; } = 1;

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    public string ClusterId { get; set; } = "stadnet";

    public string ServiceId { get; set; } = "stadnet";
}
