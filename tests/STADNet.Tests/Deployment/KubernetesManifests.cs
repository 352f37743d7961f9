using YamlDotNet.RepresentationModel;

namespace STADNet.Tests.Deployment;

/// <summary>Every object in k8s/*.yaml (several per file allowed), and the views of a Deployment the tests need.</summary>
public sealed class KubernetesManifests
{
    public const string Folder = "k8s";

    private KubernetesManifests(IReadOnlyList<KubernetesManifest> all) => All = all;

    public IReadOnlyList<KubernetesManifest> All { get; }

    public static IEnumerable<string> Files() =>
        Directory.GetFiles(RepositoryFiles.PathOf(Folder), "*.yaml").Order(StringComparer.Ordinal);

    public static KubernetesManifests Load() => new(Files()
        .SelectMany(file => YamlFile.Load(file).Select(doc => new KubernetesManifest(
            Path.GetFileName(file), doc.Text("kind"), doc.MapOrNull("metadata")?.TextOrNull("name") ?? "", doc)))
        .ToList());

    /// <summary>The cluster objects, without kustomize's own file.</summary>
    public IEnumerable<KubernetesManifest> Objects => All.Where(m => m.Kind != "Kustomization");

    public IEnumerable<KubernetesManifest> OfKind(string kind) => All.Where(m => m.Kind == kind);

    public KubernetesManifest Get(string kind, string name) =>
        All.SingleOrDefault(m => m.Kind == kind && m.Name == name) ?? throw new KeyNotFoundException($"no {kind}/{name} in k8s/");

    public static YamlMappingNode PodSpec(KubernetesManifest deployment) => deployment.Node.Map("spec").Map("template").Map("spec");

    public static Dictionary<string, string> TemplateLabels(KubernetesManifest deployment) =>
        deployment.Node.Map("spec").Map("template").Map("metadata").Map("labels").Scalars();

    public static YamlMappingNode SiloContainer(KubernetesManifest deployment) =>
        (YamlMappingNode)PodSpec(deployment).Seq("containers").Single();

    /// <summary>The variables a container gets: ConfigMap and Secret keys through envFrom, then its own env (which wins).
    /// A variable set from the downward API reads as <c>fieldRef:&lt;path&gt;</c>.</summary>
    public Dictionary<string, string> Environment(YamlMappingNode container)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.SeqOrEmpty("envFrom").Cast<YamlMappingNode>())
        {
            if (source.MapOrNull("configMapRef") is { } configMap)
                foreach (var (k, v) in Get("ConfigMap", configMap.Text("name")).Node.Map("data").Scalars()) result[k] = v;
            if (source.MapOrNull("secretRef") is { } secret)
                foreach (var k in SecretKeys(Get("Secret", secret.Text("name")))) result[k] = "<secret>";
        }
        foreach (var variable in container.SeqOrEmpty("env").Cast<YamlMappingNode>())
            result[variable.Text("name")] = variable.TextOrNull("value")
                ?? $"fieldRef:{variable.MapOrNull("valueFrom")?.MapOrNull("fieldRef")?.TextOrNull("fieldPath")}";
        return result;
    }

    public static IEnumerable<string> SecretKeys(KubernetesManifest secret) =>
        new[] { "data", "stringData" }.SelectMany(section => secret.Node.MapOrNull(section)?.Scalars().Keys ?? Enumerable.Empty<string>());

    /// <summary>A container's ports by name.</summary>
    public static Dictionary<string, int> ContainerPorts(YamlMappingNode container) =>
        container.Seq("ports").Cast<YamlMappingNode>().ToDictionary(p => p.Text("name"), p => int.Parse(p.Text("containerPort"), System.Globalization.CultureInfo.InvariantCulture));
}
