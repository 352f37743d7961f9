namespace STADNet.Tests.Support;

/// <summary>Tests that swap the process-wide Console writers to read a command's output; they must not run side by side.</summary>
[CollectionDefinition(Name)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
