namespace STADNet.Grains;

/// <summary>Names of what a scan writes under its output: <c>&lt;video-id&gt;/report.json</c> per video and one summary.</summary>
public static class ReportFiles
{
    public const string Report = "report.json";
    public const string Summary = "summary.json";
}
