namespace STADNet.Tests.Deployment;

/// <summary>Files of the repository the tests run from: found by walking up to the solution file.</summary>
public static class RepositoryFiles
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "STADNet.Cluster.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no STADNet.Cluster.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));
}
