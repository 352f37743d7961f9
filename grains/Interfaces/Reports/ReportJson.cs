using System.Text.Json;
using System.Text.Json.Serialization;

namespace STADNet.Grains.Reports;

/// <summary>One JSON shape for every report file: camelCase, indented, so tools and people read the same thing.</summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static VideoReport ReadVideoReport(string path) =>
        JsonSerializer.Deserialize<VideoReport>(File.ReadAllText(path), Options)
        ?? throw new InvalidDataException($"{path} holds no report.");
}
