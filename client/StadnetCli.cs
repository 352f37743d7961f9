using System.CommandLine;
using STADNet.Client.Commands;

namespace STADNet.Client;

/// <summary>The <c>stadnet</c> command tree, shared by the program and the tests.</summary>
public static class StadnetCli
{
    public static RootCommand Build() => new("STADNet: find anomalous events in archives of video footage.")
    {
        ScanCommand.Create(),
        StatusCommand.Create(),
        UploadCommand.Create(),
        DownloadCommand.Create(),
        TrainCommand.Create(),
        CalibrateCommand.Create(),
        EvalCommand.Create(),
        BenchCommand.Create(),
        ProfileCommand.Create(),
        ExportCommand.Create(),
    };
}
