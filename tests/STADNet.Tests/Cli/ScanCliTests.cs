using STADNet.Client.Hosting;
using STADNet.Tests.Support;

namespace STADNet.Tests.Cli;

/// <summary>The <c>stadnet scan</c> command as a user runs it: the embedded silo, exit codes, messages.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class ScanCliTests
{
    private static Task<(int Exit, string Out, string Error)> RunAsync(params string[] args) => CliRunner.RunAsync(args);

    [Fact]
    public async Task Embedded_scan_writes_reports_and_exits_zero_with_the_shipped_model()
    {
        using var temp = new TempFolder();
        SyntheticFootage.Walkway(temp.Combine("in", "a.mp4"), 30);
        File.WriteAllBytes(temp.Combine("in", "broken.mp4"), []);

        var (exit, output, _) = await RunAsync("scan", temp.Combine("in"), "--out", temp.Combine("out"));

        Assert.Equal(0, exit);
        Assert.Contains("2 videos scanned, 1 failed", output);
        Assert.True(File.Exists(temp.Combine("out", "summary.json")));
        Assert.Equal(2, Reports.ReadAll(temp.Combine("out")).Count);
    }

    [Fact]
    public async Task Blob_locations_without_a_connection_string_or_a_valid_container_are_refused_before_anything_runs()
    {
        using var temp = new TempFolder();
        var (exit, _, error) = await RunAsync("scan", "blob://archive/march", "--out", "blob://reports/march");
        Assert.Equal(2, exit);
        Assert.Contains("STADNET_BLOB_CONNECTION", error);

        (exit, _, error) = await RunAsync("scan", "blob://Not_A_Container/x", "--out", temp.Combine("out"), "--blob", "UseDevelopmentStorage=true");
        Assert.Equal(2, exit);
        Assert.Contains("names no valid blob container", error);

        (exit, _, error) = await RunAsync("scan", temp.Path, "--out", temp.Combine("out"), "--blob", "AccountName=x;AccountKey=not-base64!");
        Assert.Equal(2, exit);
        Assert.DoesNotContain("not-base64", error);
    }

    [Fact]
    public async Task Detach_without_a_cluster_is_refused_since_an_embedded_silo_ends_with_the_client()
    {
        using var temp = new TempFolder();
        var (exit, _, error) = await RunAsync("scan", temp.Path, "--out", temp.Combine("out"), "--detach");
        Assert.Equal(2, exit);
        Assert.Contains("--detach needs --cluster", error);
    }

    [Fact]
    public async Task A_missing_source_is_refused_with_a_clear_message()
    {
        using var temp = new TempFolder();
        var (exit, _, error) = await RunAsync("scan", temp.Combine("nowhere"), "--out", temp.Combine("out"));
        Assert.Equal(2, exit);
        Assert.Contains("source not found", error);
    }

    [Fact]
    public async Task A_corrupt_checkpoint_is_refused_before_any_video_is_scanned()
    {
        using var temp = new TempFolder();
        SyntheticFootage.Walkway(temp.Combine("in", "a.mp4"), 20);
        var bytes = File.ReadAllBytes(ShippedModel.Path);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(temp.Combine("bad.ckpt"), bytes);

        var (exit, _, error) = await RunAsync("scan", temp.Combine("in"), "--out", temp.Combine("out"), "--model", temp.Combine("bad.ckpt"));

        Assert.Equal(2, exit);
        Assert.Contains("corrupt", error);
        Assert.False(Directory.Exists(temp.Combine("out", "summary.json")));
        Assert.Empty(Directory.Exists(temp.Combine("out")) ? Directory.GetFiles(temp.Combine("out"), "*", SearchOption.AllDirectories) : []);
    }

    [Fact]
    public async Task Missing_arguments_are_a_usage_error()
    {
        var (exit, _, error) = await RunAsync("scan");
        Assert.NotEqual(0, exit);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
