namespace STADNet.Tests.Support;

/// <summary>The checkout the test assembly was built from, found by walking up to STADNet.Cluster.sln.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "STADNet.Cluster.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no STADNet.Cluster.sln above {AppContext.BaseDirectory}");
    }
}
