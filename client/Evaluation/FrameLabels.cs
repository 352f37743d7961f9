using System.Diagnostics.CodeAnalysis;

namespace STADNet.Client.Evaluation;

/// <summary>
/// Ground-truth frame labels per clip. Text format, one clip per line:
/// <c>&lt;clip&gt; &lt;nframes&gt; l0 l1 ... l(n-1)</c>, each label 0 (normal) or 1 (anomalous), frame 0 first.
/// Blank lines and lines starting with <c>#</c> are skipped so files can carry notes.
/// </summary>
public sealed class FrameLabels
{
    private readonly Dictionary<string, bool[]> clips;

    private FrameLabels(string source, Dictionary<string, bool[]> clips)
    {
        Source = source;
        this.clips = clips;
    }

    /// <summary>Where the labels came from (file path or caller-given name); used in messages.</summary>
    public string Source { get; }

    public int Count => clips.Count;

    public IEnumerable<string> Clips => clips.Keys;

    public bool TryGet(string clip, [NotNullWhen(true)] out IReadOnlyList<bool>? labels)
    {
        if (clips.TryGetValue(clip, out var found))
        {
            labels = found;
            return true;
        }
        labels = null;
        return false;
    }

    public static FrameLabels Load(string path)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, path);
    }

    public static FrameLabels Parse(TextReader reader, string source)
    {
        // Ordinal: clip names are file stems, matched exactly as the scanner wrote them.
        var clips = new Dictionary<string, bool[]>(StringComparer.Ordinal);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            var tokens = trimmed.Split(default(char[]), StringSplitOptions.RemoveEmptyEntries);
            var clip = tokens[0];
            if (tokens.Length < 2)
            {
                throw Error(source, lineNumber, $"clip '{clip}' has no frame count.");
            }
            if (!int.TryParse(tokens[1], System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var frameCount))
            {
                throw Error(source, lineNumber, $"clip '{clip}': frame count '{tokens[1]}' is not a non-negative integer.");
            }

            var given = tokens.Length - 2;
            if (given != frameCount)
            {
                throw Error(source, lineNumber, $"clip '{clip}' declares {frameCount} frames but lists {given} labels.");
            }

            var labels = new bool[frameCount];
            for (var i = 0; i < frameCount; i++)
            {
                labels[i] = tokens[i + 2] switch
                {
                    "0" => false,
                    "1" => true,
                    var other => throw Error(source, lineNumber, $"clip '{clip}' frame {i}: label '{other}' is not 0 or 1."),
                };
            }

            if (!clips.TryAdd(clip, labels))
            {
                throw Error(source, lineNumber, $"clip '{clip}' is listed more than once.");
            }
        }
        return new FrameLabels(source, clips);
    }

    private static InvalidDataException Error(string source, int line, string message) =>
        new($"{source}:{line}: {message}");
}
