using System.Text.Json;
using STADNet.Grains.Reports;

namespace STADNet.Tests.Support;

public static class Reports
{
    public static IReadOnlyList<VideoReport> ReadAll(string output) =>
        Directory.GetFiles(output, "report.json", SearchOption.AllDirectories).Select(ReportJson.ReadVideoReport).ToList();

    public static ScanSummary ReadSummary(string output) =>
        JsonSerializer.Deserialize<ScanSummary>(File.ReadAllText(Path.Combine(output, "summary.json")), ReportJson.Options)!;

    public static VideoReport For(IEnumerable<VideoReport> reports, string source) =>
        reports.Single(r => r.Source == Path.GetFullPath(source));
}
