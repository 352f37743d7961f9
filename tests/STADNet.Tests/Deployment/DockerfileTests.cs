using STADNet.Client.Hosting;
using STADNet.Silo;

namespace STADNet.Tests.Deployment;

/// <summary>silo/Dockerfile and .dockerignore: what the shipped image runs, exposes and contains.</summary>
public sealed class DockerfileTests
{
    private readonly Dockerfile dockerfile = Dockerfile.Load();

    private IEnumerable<string> Final(string keyword) => dockerfile.FinalStage.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    [Fact]
    public void The_image_runs_the_silo_as_a_non_root_user()
    {
        var entrypoint = Dockerfile.ExecForm(Assert.Single(Final("ENTRYPOINT")));
        Assert.NotNull(entrypoint); // exec form, so the silo is PID 1 and receives SIGTERM itself
        Assert.Equal("stadnet-silo", Path.GetFileName(Assert.Single(entrypoint)));

        var user = Final("USER").Last();
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0" });
    }

    [Fact]
    public void The_image_exposes_the_default_silo_gateway_and_dashboard_ports()
    {
        var exposed = Final("EXPOSE").SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => int.Parse(p.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(
            new[] { SiloEnvironment.DefaultSiloPort, SiloEnvironment.DefaultGatewayPort, SiloEnvironment.DefaultDashboardPort }.Order(),
            exposed.Order());
    }

    [Fact]
    public void The_runtime_stage_is_the_aspnet_image_with_ffmpeg_from_apt()
    {
        Assert.Matches("^mcr\\.microsoft\\.com/dotnet/aspnet:", Final("FROM").Single().Replace("${DOTNET_VERSION}", "10.0", StringComparison.Ordinal));
        Assert.Contains(Final("RUN"), run => run.Contains("apt-get install", StringComparison.Ordinal) && run.Split(' ').Contains("ffmpeg"));
        Assert.Contains(dockerfile.Instructions, i => i.Keyword == "ARG" && i.Arguments == "DOTNET_VERSION=10.0");
    }

    [Fact]
    public void The_build_stage_publishes_the_silo_and_the_cli_with_the_shipped_model()
    {
        var build = dockerfile.Instructions.Where(i => i.Stage < dockerfile.FinalStage[0].Stage).ToList();
        Assert.Matches("^mcr\\.microsoft\\.com/dotnet/sdk:", build.First(i => i.Keyword == "FROM").Arguments.Replace("${DOTNET_VERSION}", "10.0", StringComparison.Ordinal));
        var runs = string.Join('\n', build.Where(i => i.Keyword == "RUN").Select(i => i.Arguments));
        Assert.Contains("dotnet publish silo/STADNet.Silo.csproj", runs);
        Assert.Contains("dotnet publish client/STADNet.Client.csproj", runs);
        // The client sends silos this absolute path, so silos in the same image open the same file.
        Assert.Contains($"test -f /app/models/{ShippedModel.FileName}", runs);
        Assert.Contains("test -x /app/stadnet-silo", runs);
    }

    [Fact]
    public void Variables_the_image_sets_are_ones_the_silo_reads_and_open_the_dashboard_to_published_ports()
    {
        var variables = Final("ENV").SelectMany(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(a => a.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1].Trim('"') : "");

        Assert.All(variables.Keys.Where(k => k.StartsWith("STADNET_", StringComparison.Ordinal)), k => Assert.Contains(k, SiloEnvironment.All));
        Assert.Equal("0.0.0.0", variables[SiloEnvironment.DashboardHost]);
        Assert.Equal(SiloEnvironment.DefaultDashboardPort, SiloSettings.From(variables).DashboardPort);
        Assert.StartsWith("/app:", variables["PATH"]); // compose's `entrypoint: [stadnet]` finds the CLI
    }

    [Fact]
    public void Dockerignore_leaves_build_outputs_and_git_out_but_keeps_the_model_and_projects()
    {
        var patterns = RepositoryFiles.Read(".dockerignore").Split('\n').Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        foreach (var required in new[] { "**/bin/", "**/obj/", ".git/", "**/node_modules/" })
            Assert.Contains(required, patterns);
        foreach (var needed in new[] { "models", "silo", "client", "grains", "model", "media", "build" })
            Assert.DoesNotContain(patterns, p => p.TrimEnd('/') == needed || p.StartsWith(needed + "/", StringComparison.Ordinal));
        Assert.DoesNotContain(patterns, p => p.Contains(".ckpt", StringComparison.Ordinal));
    }
}
