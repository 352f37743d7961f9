using System.Text.RegularExpressions;
using STADNet.Silo;
using YamlDotNet.RepresentationModel;

namespace STADNet.Tests.Deployment;

/// <summary>k8s/ against the silo's configuration contract and against itself (selectors, references, files).</summary>
public sealed class KubernetesManifestTests
{
    private const string Namespace = "stadnet";

    private readonly KubernetesManifests k8s = KubernetesManifests.Load();

    private KubernetesManifest Worker => k8s.Get("Deployment", "stadnet-worker");

    private KubernetesManifest Host => k8s.Get("Deployment", "stadnet-host");

    private static int Int(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static bool Selects(IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(s => labels.TryGetValue(s.Key, out var v) && v == s.Value);

    [Fact]
    public void Every_STADNET_variable_in_k8s_is_one_the_silo_reads()
    {
        var names = k8s.OfKind("ConfigMap").SelectMany(m => m.Node.Map("data").Scalars().Keys)
            .Concat(k8s.OfKind("Secret").SelectMany(KubernetesManifests.SecretKeys))
            .Concat(k8s.OfKind("Deployment").SelectMany(d => KubernetesManifests.SiloContainer(d).SeqOrEmpty("env")
                .Cast<YamlMappingNode>().Select(e => e.Text("name"))));

        var unknown = names.Where(n => n.StartsWith("STADNET_", StringComparison.Ordinal) && !SiloEnvironment.All.Contains(n)).ToList();
        Assert.True(unknown.Count == 0, "unknown variables: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Workers_have_model_slots_and_a_gpu_and_hosts_have_neither()
    {
        var worker = KubernetesManifests.SiloContainer(Worker);
        Assert.True(Int(k8s.Environment(worker)[SiloEnvironment.WorkerSlots]) >= 1);
        foreach (var section in new[] { "requests", "limits" })
            Assert.Equal("1", worker.Map("resources").Map(section).Text("nvidia.com/gpu"));
        var pod = KubernetesManifests.PodSpec(Worker);
        Assert.Equal("nvidia", pod.Text("runtimeClassName"));
        Assert.Contains(pod.Seq("tolerations").Cast<YamlMappingNode>(), t => t.Text("key") == "nvidia.com/gpu");
        Assert.NotEmpty(pod.Map("nodeSelector").Children);

        var host = KubernetesManifests.SiloContainer(Host);
        Assert.Equal(0, Int(k8s.Environment(host)[SiloEnvironment.WorkerSlots]));
        Assert.DoesNotContain("nvidia.com/gpu", host.Map("resources").Map("limits").Scalars().Keys);
        Assert.Null(KubernetesManifests.PodSpec(Host).Find("runtimeClassName"));
    }

    [Fact]
    public void Silos_advertise_their_pod_ip_and_bind_the_dashboard_to_all_interfaces()
    {
        foreach (var deployment in k8s.OfKind("Deployment"))
        {
            var environment = k8s.Environment(KubernetesManifests.SiloContainer(deployment));
            Assert.Equal("fieldRef:status.podIP", environment[SiloEnvironment.AdvertisedAddress]);
            Assert.Equal("0.0.0.0", environment[SiloEnvironment.DashboardHost]);
            Assert.Equal("<secret>", environment[SiloEnvironment.Redis]);
            Assert.Equal("<secret>", environment[SiloEnvironment.BlobConnection]);
        }
    }

    [Fact]
    public void Container_ports_and_probes_agree_with_the_ports_the_silo_listens_on()
    {
        foreach (var deployment in k8s.OfKind("Deployment"))
        {
            var container = KubernetesManifests.SiloContainer(deployment);
            var settings = SiloSettings.From(k8s.Environment(container));
            var ports = KubernetesManifests.ContainerPorts(container);

            Assert.Equal(settings.SiloPort, ports["silo"]);
            Assert.Equal(settings.GatewayPort, ports["gateway"]);
            Assert.Equal(settings.DashboardPort, ports["dashboard"]);
            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                var port = container.Map(probe).Map("httpGet").Text("port");
                Assert.True(port == "dashboard" || port == settings.DashboardPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"{deployment} {probe} targets port {port}, not the dashboard's");
            }
        }

        foreach (var port in k8s.Get("Service", "stadnet-silo").Node.Map("spec").Seq("ports").Cast<YamlMappingNode>())
            Assert.Contains(port.Text("targetPort"), new[] { "gateway", "dashboard" });
    }

    [Fact]
    public void Pods_get_longer_to_stop_than_their_shutdown_wait()
    {
        foreach (var deployment in k8s.OfKind("Deployment"))
        {
            var wait = SiloSettings.From(k8s.Environment(KubernetesManifests.SiloContainer(deployment))).ShutdownSeconds;
            var grace = Int(KubernetesManifests.PodSpec(deployment).Text("terminationGracePeriodSeconds"));
            Assert.True(grace > wait, $"{deployment}: terminationGracePeriodSeconds {grace} does not exceed {SiloEnvironment.ShutdownSeconds} {wait}");
        }
    }

    [Fact]
    public void The_secret_holds_placeholders_and_no_real_looking_key()
    {
        var secret = k8s.Get("Secret", "stadnet-connections");
        Assert.Equal(new[] { SiloEnvironment.Redis, SiloEnvironment.BlobConnection }.Order(), KubernetesManifests.SecretKeys(secret).Order());
        Assert.All(secret.Node.Map("stringData").Scalars(), e => Assert.StartsWith("REPLACE_WITH_", e.Value));
        Assert.Null(secret.Node.Find("data"));

        // Storage account keys are 88 base64 characters; no k8s file should carry anything like one.
        foreach (var file in KubernetesManifests.Files())
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotMatch(new Regex("[A-Za-z0-9+/]{40,}={0,2}"), text);
            Assert.DoesNotMatch(new Regex("AccountKey=(?!REPLACE_WITH_|<)"), text);
        }
    }

    [Fact]
    public void Deployment_selectors_match_their_pod_labels_and_services_and_budgets_select_deployments()
    {
        var deployments = k8s.OfKind("Deployment").ToList();
        foreach (var deployment in deployments)
            Assert.True(Selects(deployment.Node.Map("spec").Map("selector").Map("matchLabels").Scalars(), KubernetesManifests.TemplateLabels(deployment)),
                $"{deployment}: selector does not match its template's labels");

        var service = k8s.Get("Service", "stadnet-silo").Node.Map("spec").Map("selector").Scalars();
        Assert.All(deployments, d => Assert.True(Selects(service, KubernetesManifests.TemplateLabels(d)), $"the Service does not select {d}"));

        var budgets = k8s.OfKind("PodDisruptionBudget").ToDictionary(
            b => b.Name, b => deployments.Where(d => Selects(b.Node.Map("spec").Map("selector").Map("matchLabels").Scalars(), KubernetesManifests.TemplateLabels(d))).ToList());
        Assert.Equal(Worker, Assert.Single(budgets["stadnet-worker"]));
        Assert.Equal(Host, Assert.Single(budgets["stadnet-host"]));
        Assert.Equal("1", k8s.Get("PodDisruptionBudget", "stadnet-worker").Node.Map("spec").Text("maxUnavailable"));
        Assert.Equal("1", k8s.Get("PodDisruptionBudget", "stadnet-host").Node.Map("spec").Text("minAvailable"));
        // minAvailable 1 of a single replica would block every node drain.
        Assert.True(Int(Host.Node.Map("spec").Text("replicas")) > 1);
    }

    [Fact]
    public void Every_object_lives_in_the_stadnet_namespace_and_kustomize_applies_all_but_the_secret()
    {
        Assert.Single(k8s.OfKind("Namespace"), n => n.Name == Namespace);
        Assert.All(k8s.Objects.Where(m => m.Kind != "Namespace"), m => Assert.Equal(Namespace, m.Node.Map("metadata").Text("namespace")));
        Assert.Empty(k8s.OfKind("Role").Concat(k8s.OfKind("ClusterRole")).Concat(k8s.OfKind("RoleBinding")).Concat(k8s.OfKind("ClusterRoleBinding")));

        var listed = Assert.Single(k8s.OfKind("Kustomization")).Node.Seq("resources").Select(r => r.Text()).Order(StringComparer.Ordinal);
        var expected = k8s.Objects.Select(m => m.File).Distinct().Where(f => f != "secret.yaml").Order(StringComparer.Ordinal);
        Assert.Equal(expected, listed);
    }
}
