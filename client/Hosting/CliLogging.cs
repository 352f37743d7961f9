using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace STADNet.Client.Hosting;

/// <summary>How the CLI's in-process hosts log: single lines on stderr, so stdout stays the command's own output.</summary>
public static class CliLogging
{
    public static void Configure(HostApplicationBuilder builder, Func<string?, LogLevel, bool> filter)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).AddFilter(filter);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
