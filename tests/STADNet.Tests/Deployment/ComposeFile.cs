using YamlDotNet.RepresentationModel;

namespace STADNet.Tests.Deployment;

/// <summary>docker-compose.yml as Compose reads it (anchors and merge keys applied).</summary>
public sealed class ComposeFile
{
    public const string FileName = "docker-compose.yml";

    private ComposeFile(YamlMappingNode root) => Root = root;

    public YamlMappingNode Root { get; }

    public IReadOnlyDictionary<string, YamlMappingNode> Services =>
        Root.Map("services").Children.ToDictionary(e => e.Key.Text(), e => (YamlMappingNode)e.Value);

    /// <summary>Services running the silo: the STADNet image with its own entrypoint.</summary>
    public IReadOnlyDictionary<string, YamlMappingNode> Silos =>
        Services.Where(s => IsStadnetImage(s.Value) && s.Value.Find("entrypoint") is null).ToDictionary();

    /// <summary>The service running the official Redis image.</summary>
    public string RedisService => Services.Single(s => s.Value.TextOrNull("image")?.StartsWith("redis", StringComparison.Ordinal) == true).Key;

    /// <summary>The service running the official Azurite image.</summary>
    public string AzuriteService => Services.Single(s => s.Value.TextOrNull("image")?.EndsWith("/azurite", StringComparison.Ordinal) == true).Key;

    public static ComposeFile Load() => new(YamlFile.Load(RepositoryFiles.PathOf(FileName)).Single());

    public static bool IsStadnetImage(YamlMappingNode service) =>
        service.TextOrNull("image")?.StartsWith("stadnet:", StringComparison.Ordinal) == true || service.Find("build") is not null;

    /// <summary>The environment in either Compose form: a mapping or a list of NAME=value.</summary>
    public static Dictionary<string, string> Environment(YamlMappingNode service) => service.Find("environment") switch
    {
        null => [],
        YamlMappingNode map => map.Scalars(),
        YamlSequenceNode list => list.Select(n => n.Text().Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : ""),
        var other => throw new InvalidDataException($"environment at {other.Start} is neither a mapping nor a list"),
    };

    /// <summary>command/entrypoint as words, from either the list or the string form.</summary>
    public static IReadOnlyList<string> Words(YamlMappingNode service, string key) => service.Find(key) switch
    {
        null => [],
        YamlSequenceNode list => list.Select(n => n.Text()).ToList(),
        var scalar => scalar.Text().Split(' ', StringSplitOptions.RemoveEmptyEntries),
    };

    public static IReadOnlyList<PublishedPort> Ports(YamlMappingNode service) =>
        service.SeqOrEmpty("ports").Select(ParsePort).ToList();

    public static IReadOnlyList<int> Exposed(YamlMappingNode service) =>
        service.SeqOrEmpty("expose").Select(n => int.Parse(n.Text().Split('/')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();

    private static PublishedPort ParsePort(YamlNode node)
    {
        static int Port(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        if (node is YamlMappingNode map)
            return new PublishedPort(map.TextOrNull("host_ip"), map.TextOrNull("published") is { } p ? Port(p) : null, Port(map.Text("target")));

        var parts = node.Text().Split('/')[0].Split(':');
        return parts.Length switch
        {
            1 => new PublishedPort(null, null, Port(parts[0])),
            2 => new PublishedPort(null, Port(parts[0]), Port(parts[1])),
            3 => new PublishedPort(parts[0], Port(parts[1]), Port(parts[2])),
            _ => throw new FormatException($"unsupported port entry '{node.Text()}'"),
        };
    }
}
