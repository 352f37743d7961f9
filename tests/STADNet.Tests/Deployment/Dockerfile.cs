using System.Text;
using System.Text.Json;

namespace STADNet.Tests.Deployment;

/// <summary>silo/Dockerfile read instruction by instruction: comments dropped, backslash continuations joined.</summary>
public sealed class Dockerfile
{
    public static readonly string[] PathParts = ["silo", "Dockerfile"];

    private Dockerfile(IReadOnlyList<DockerfileInstruction> instructions) => Instructions = instructions;

    public IReadOnlyList<DockerfileInstruction> Instructions { get; }

    /// <summary>The instructions of the image that ships: the last FROM onwards.</summary>
    public IReadOnlyList<DockerfileInstruction> FinalStage =>
        Instructions.Where(i => i.Stage == Instructions.Max(x => x.Stage)).ToList();

    public static Dockerfile Load() => Parse(RepositoryFiles.Read(PathParts));

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<DockerfileInstruction>();
        var stage = -1;
        var current = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#')) continue; // comments (and the syntax directive) may sit inside continuations
            var continues = line.EndsWith('\\');
            current.Append(continues ? line[..^1] : line).Append(' ');
            if (continues) continue;

            var instruction = current.ToString().Trim();
            current.Clear();
            if (instruction.Length == 0) continue;
            var split = instruction.IndexOf(' ');
            var keyword = (split < 0 ? instruction : instruction[..split]).ToUpperInvariant();
            if (keyword == "FROM") stage++;
            instructions.Add(new DockerfileInstruction(stage, keyword, split < 0 ? "" : instruction[(split + 1)..].Trim()));
        }
        return new Dockerfile(instructions);
    }

    /// <summary>An exec-form (JSON array) argument list, or null for the shell form.</summary>
    public static IReadOnlyList<string>? ExecForm(string arguments) =>
        arguments.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(arguments) : null;
}
