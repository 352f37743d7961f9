namespace STADNet.Client.Hosting;

/// <summary>The checkpoint that ships with the tool, used when <c>--model</c> is not given.</summary>
public static class ShippedModel
{
    public const string FileName = "stadnet-ped2.ckpt";

    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "models", FileName);
}
