using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace STADNet.Tests.Deployment;

/// <summary>The documents of a YAML file, with merge keys (<c>&lt;&lt;: *anchor</c>) applied as Compose applies them.</summary>
public static class YamlFile
{
    public static IReadOnlyList<YamlMappingNode> Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(new MergingParser(new Parser(reader)));
        return stream.Documents
            .Select(d => d.RootNode as YamlMappingNode ?? throw new InvalidDataException($"{path}: a document is not a mapping"))
            .ToList();
    }
}
