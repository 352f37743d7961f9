using YamlDotNet.RepresentationModel;

namespace STADNet.Tests.Deployment;

/// <summary>Lookups that name the missing key, so a failing test says which part of a file is wrong.</summary>
public static class YamlNodes
{
    public static YamlNode? Find(this YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    public static YamlMappingNode Map(this YamlMappingNode map, string key) =>
        map.Find(key) as YamlMappingNode ?? throw new KeyNotFoundException($"mapping '{key}' missing at {map.Start}");

    public static YamlMappingNode? MapOrNull(this YamlMappingNode map, string key) => map.Find(key) as YamlMappingNode;

    public static YamlSequenceNode Seq(this YamlMappingNode map, string key) =>
        map.Find(key) as YamlSequenceNode ?? throw new KeyNotFoundException($"sequence '{key}' missing at {map.Start}");

    public static IEnumerable<YamlNode> SeqOrEmpty(this YamlMappingNode map, string key) =>
        map.Find(key) as YamlSequenceNode ?? Enumerable.Empty<YamlNode>();

    public static string Text(this YamlMappingNode map, string key) =>
        map.TextOrNull(key) ?? throw new KeyNotFoundException($"scalar '{key}' missing at {map.Start}");

    public static string? TextOrNull(this YamlMappingNode map, string key) => (map.Find(key) as YamlScalarNode)?.Value;

    public static string Text(this YamlNode node) =>
        (node as YamlScalarNode)?.Value ?? throw new InvalidDataException($"expected a scalar at {node.Start}");

    /// <summary>A mapping of scalars as a dictionary (labels, ConfigMap data, environment maps).</summary>
    public static Dictionary<string, string> Scalars(this YamlMappingNode map) =>
        map.Children.ToDictionary(e => e.Key.Text(), e => (e.Value as YamlScalarNode)?.Value ?? "", StringComparer.Ordinal);
}
