using STADNet.Silo;

namespace STADNet.Tests.Deployment;

/// <summary>The ports and shutdown wait a silo ends up with from a set of STADNET_* variables, defaults filled in.</summary>
public sealed record SiloSettings(int SiloPort, int GatewayPort, int DashboardPort, int ShutdownSeconds)
{
    public static SiloSettings From(IReadOnlyDictionary<string, string> environment) => new(
        Number(environment, SiloEnvironment.SiloPort, SiloEnvironment.DefaultSiloPort),
        Number(environment, SiloEnvironment.GatewayPort, SiloEnvironment.DefaultGatewayPort),
        Number(environment, SiloEnvironment.DashboardPort, SiloEnvironment.DefaultDashboardPort),
        Number(environment, SiloEnvironment.ShutdownSeconds, SiloEnvironment.DefaultShutdownSeconds));

    public static int Number(IReadOnlyDictionary<string, string> environment, string name, int fallback) =>
        environment.TryGetValue(name, out var text) ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
