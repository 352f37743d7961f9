using System.CommandLine;
using STADNet.Client.Commands;

var root = new RootCommand("STADNet: find anomalous events in archives of video footage.")
{
    ScanCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
//BENCH
};
return await root.Parse(args).InvokeAsync();
