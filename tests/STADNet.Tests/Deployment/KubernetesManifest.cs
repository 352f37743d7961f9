using YamlDotNet.RepresentationModel;

namespace STADNet.Tests.Deployment;

/// <summary>One object of k8s/: the file it came from, its kind and name, and its YAML.</summary>
public sealed record KubernetesManifest(string File, string Kind, string Name, YamlMappingNode Node)
{
    public override string ToString() => $"{Kind}/{Name} ({File})";
}
