using System.Diagnostics;

namespace STADNet.Tests.Deployment;

/// <summary>docker-compose itself validates docker-compose.yml offline (no Docker engine needed for <c>config</c>).</summary>
public sealed class ComposeConfigTests
{
    private const string Tool = "docker-compose";

    private static string? FindOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, Tool))
            .FirstOrDefault(File.Exists);

    [Fact]
    public async Task Docker_compose_config_accepts_the_compose_file()
    {
        // Missing tooling fails rather than skips, so an unchecked compose file never passes as checked.
        var tool = FindOnPath();
        Assert.True(tool is not null, $"{Tool} is not on PATH; install it with scripts/install-deps.sh (Debian package docker-compose).");

        var start = new ProcessStartInfo(tool) { WorkingDirectory = RepositoryFiles.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-f", ComposeFile.FileName, "config", "-q" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == 0, $"{Tool} config rejected {ComposeFile.FileName}:\n{await output}{await error}");
    }
}
