using STADNet.Silo;

namespace STADNet.Tests.Deployment;

/// <summary>docker-compose.yml against the silo's configuration contract (<see cref="SiloEnvironment"/>).</summary>
public sealed class ComposeFileTests
{
    private readonly ComposeFile compose = ComposeFile.Load();

    [Fact]
    public void Every_STADNET_variable_in_compose_is_one_the_silo_reads()
    {
        var unknown = compose.Services
            .SelectMany(s => ComposeFile.Environment(s.Value).Keys.Select(k => (Service: s.Key, Name: k)))
            .Where(v => v.Name.StartsWith("STADNET_", StringComparison.Ordinal) && !SiloEnvironment.All.Contains(v.Name))
            .ToList();

        Assert.True(unknown.Count == 0, "unknown variables: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Two_worker_silos_have_model_slots_and_one_host_silo_has_none()
    {
        var slots = compose.Silos.ToDictionary(s => s.Key, s =>
            int.Parse(Assert.Contains(SiloEnvironment.WorkerSlots, (IDictionary<string, string>)ComposeFile.Environment(s.Value)),
                System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(slots.Count(s => s.Value >= 1) >= 2, "worker silos: " + string.Join(", ", slots));
        Assert.Single(slots, s => s.Value == 0);
        Assert.All(slots.Where(s => s.Key.Contains("worker", StringComparison.Ordinal)), s => Assert.True(s.Value >= 1, s.Key));
    }

    [Fact]
    public void Silos_reach_redis_and_azurite_by_service_name_and_advertise_their_own()
    {
        foreach (var (name, silo) in compose.Silos)
        {
            var environment = ComposeFile.Environment(silo);
            Assert.Equal(name, environment[SiloEnvironment.AdvertisedAddress]);
            Assert.Equal(compose.RedisService + ":6379", environment[SiloEnvironment.Redis]);
            Assert.Contains($"BlobEndpoint=http://{compose.AzuriteService}:10000/devstoreaccount1", environment[SiloEnvironment.BlobConnection]);
            Assert.Equal(environment[SiloEnvironment.ClusterId], ComposeFile.Environment(compose.Services["scan"])[SiloEnvironment.ClusterId]);
        }
    }

    [Fact]
    public void Silos_expose_the_silo_and_gateway_ports_they_listen_on_and_publish_only_the_dashboard()
    {
        foreach (var (name, silo) in compose.Silos)
        {
            var settings = SiloSettings.From(ComposeFile.Environment(silo));
            Assert.Equal(new[] { settings.SiloPort, settings.GatewayPort }.Order(), ComposeFile.Exposed(silo).Order());
            var published = Assert.Single(ComposeFile.Ports(silo));
            Assert.True(published.Target == settings.DashboardPort, $"{name} publishes container port {published.Target}, its dashboard listens on {settings.DashboardPort}");
        }

        var hostPorts = compose.Services.Values.SelectMany(ComposeFile.Ports).Select(p => p.Published).ToList();
        Assert.Equal(hostPorts.Count, hostPorts.Distinct().Count());
    }

    [Fact]
    public void Dashboards_are_published_on_the_host_loopback_only_and_bound_to_all_interfaces_in_the_container()
    {
        foreach (var (name, silo) in compose.Silos)
        {
            Assert.Equal("0.0.0.0", ComposeFile.Environment(silo)[SiloEnvironment.DashboardHost]);
            Assert.All(ComposeFile.Ports(silo), p => Assert.True(p.HostIp == "127.0.0.1", $"{name} publishes {p.Target} on {p.HostIp ?? "all interfaces"}"));
        }
    }

    [Fact]
    public void Silos_get_longer_to_stop_than_their_shutdown_wait()
    {
        foreach (var (name, silo) in compose.Silos)
        {
            var wait = TimeSpan.FromSeconds(SiloSettings.From(ComposeFile.Environment(silo)).ShutdownSeconds);
            var grace = ComposeDuration.Parse(silo.Text("stop_grace_period"));
            Assert.True(grace > wait, $"{name}: stop_grace_period {grace} does not exceed {SiloEnvironment.ShutdownSeconds} {wait}");
        }
    }

    [Fact]
    public void Silos_wait_for_a_healthy_redis()
    {
        var redis = compose.Services[compose.RedisService];
        Assert.NotNull(redis.MapOrNull("healthcheck")?.Find("test"));
        foreach (var (name, silo) in compose.Silos)
            Assert.True(silo.Map("depends_on").MapOrNull(compose.RedisService)?.TextOrNull("condition") == "service_healthy", $"{name} does not wait for a healthy redis");
    }

    [Fact]
    public void Azurite_serves_blobs_only_leniently_and_keeps_its_data_in_a_volume()
    {
        var azurite = compose.Services[compose.AzuriteService];
        var command = ComposeFile.Words(azurite, "command");

        Assert.Equal("azurite-blob", command[0]);
        Assert.Contains("--skipApiVersionCheck", command);
        Assert.Contains("--loose", command);
        var location = command[command.ToList().IndexOf("--location") + 1];
        var volume = Assert.Single(azurite.Seq("volumes")).Text().Split(':');
        Assert.Equal(location, volume[1]);
        Assert.Contains(volume[0], compose.Root.Map("volumes").Children.Keys.Select(k => k.Text()));
    }

    [Fact]
    public void The_scan_client_runs_on_demand_and_scans_blob_archives_through_the_redis_cluster()
    {
        var scan = compose.Services["scan"];
        var command = ComposeFile.Words(scan, "command");

        Assert.Equal(new[] { "stadnet" }, ComposeFile.Words(scan, "entrypoint"));
        Assert.True(scan.Find("profiles") is not null, "the scan service has no profile, so `docker compose up` would run it");
        Assert.Equal("scan", command[0]);
        Assert.StartsWith("blob://", command[1]);
        Assert.StartsWith("blob://", command[command.ToList().IndexOf("--out") + 1]);
        Assert.Equal(compose.RedisService + ":6379", command[command.ToList().IndexOf("--cluster") + 1]);
        Assert.Contains("AccountName=devstoreaccount1", ComposeFile.Environment(scan)[SiloEnvironment.BlobConnection]);
        Assert.Equal(compose.Services["silo-host"].Text("image"), scan.Text("image"));
    }
}
