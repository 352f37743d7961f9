using System.Text.Json;
using STADNet.Grains.Reports;

namespace STADNet.Grains;

/// <summary>Writes reports into a local output folder; each file appears whole or not at all.</summary>
public static class ReportFolder
{
    public const string ReportFile = "report.json";
    public const string SummaryFile = "summary.json";

    public static async Task<string> WriteVideoReportAsync(string outputDirectory, VideoReport report, CancellationToken cancellationToken)
    {
        var path = Path.Combine(outputDirectory, report.VideoId, ReportFile);
        await WriteAtomicallyAsync(path, report, cancellationToken);
        return path;
    }

    public static async Task<string> WriteSummaryAsync(string outputDirectory, ScanSummary summary, CancellationToken cancellationToken)
    {
        var path = Path.Combine(outputDirectory, SummaryFile);
        await WriteAtomicallyAsync(path, summary, cancellationToken);
        return path;
    }

    private static async Task WriteAtomicallyAsync<T>(string path, T value, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await using (var stream = File.Create(temp))
            await JsonSerializer.SerializeAsync(stream, value, ReportJson.Options, cancellationToken);
        File.Move(temp, path, overwrite: true);
    }
}
