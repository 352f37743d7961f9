namespace STADNet.Tests.Support;

/// <summary>Finds tools the suite runs; a missing one fails with the install command rather than an OS error.</summary>
public static class ExecutableOnPath
{
    public const string InstallHint = "run `bash scripts/install-deps.sh` to install the test dependencies";

    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public static string Require(string name) =>
        Find(name) ?? throw new InvalidOperationException($"{name} is not on PATH: {InstallHint}");
}
